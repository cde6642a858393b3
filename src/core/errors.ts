/** Stable codes for failures of the harness itself (never for a handler's misbehaviour, which is a finding). */
export type HarnessErrorCode =
  | 'EFZ_USAGE'
  | 'EFZ_CONFIG_INVALID'
  | 'EFZ_UNKNOWN_SOURCE'
  | 'EFZ_UNKNOWN_CATEGORY'
  | 'EFZ_SAMPLE_INVALID'
  | 'EFZ_PAYLOAD_INVALID'
  | 'EFZ_HANDLER_NOT_FOUND'
  | 'EFZ_HANDLER_LOAD_FAILED'
  | 'EFZ_CORPUS_INVALID'
  | 'EFZ_RUNNER_UNAVAILABLE'
  /** A deployed target (Lambda function, alias or version) does not exist where the caller looked. */
  | 'EFZ_REMOTE_NOT_FOUND'
  /** The caller's AWS identity lacks an IAM action eventfuzz needs; the message names the action. */
  | 'EFZ_REMOTE_ACCESS_DENIED'
  /** The remote API could not be reached or answered with an error that is not the target's doing. */
  | 'EFZ_REMOTE_UNAVAILABLE';

/**
 * An error that means eventfuzz cannot do its job: bad input, bad configuration, a target that does not load.
 * The CLI prints its message (never its stack) and exits 2. Messages say what failed, where, and what to do.
 */
export class HarnessError extends Error {
  readonly code: HarnessErrorCode; // explicit field: parameter properties are not erasable syntax

  constructor(code: HarnessErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
  }
}

/** Checks the code rather than `instanceof`: errors cross worker and vm realms. */
export function isHarnessError(error: unknown): error is HarnessError {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('EFZ_');
}
