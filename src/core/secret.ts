/**
 * A value the handler must never reveal: a canary credential planted in its environment, or a user's secret.
 * Shared vocabulary: the runners plant these in the Lambda environment and the oracles watch for them.
 */
export interface WatchedSecret {
  /** The environment variable that holds it (`AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`). */
  readonly name: string;
  readonly value: string;
  readonly kind: 'canary-credential' | 'user-secret';
}
