/** Stable exit codes (DESIGN.md): scripts and CI rely on them. */
export const ExitCode = {
  /** Ran and found nothing. */
  Ok: 0,
  /** Ran and found at least one finding (or a replayed finding still reproduces). */
  Findings: 1,
  /** Bad usage, bad configuration, or a target that does not load. */
  UsageOrConfig: 2,
  /** A bug in eventfuzz itself. */
  Internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
