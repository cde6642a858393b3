import { HarnessError } from '../core/index.js';

/**
 * AWS Lambda on-demand prices, us-east-1, as published on https://aws.amazon.com/lambda/pricing/ (figures taken
 * 2026-12-03 from the brief, not re-read from the page from this offline machine: re-check them there
 * when touching this): duration $0.0000166667 per GB-second on x86_64 and $0.0000133334 on arm64 (first pricing tier, the
 * highest: a worst case ignores volume discounts and the free tier), requests $0.20 per 1M. Other regions differ
 * by a few percent; the estimate is an upper bound for the common ones, not an invoice.
 */
const USD_PER_GB_SECOND = { x86_64: 0.0000166667, arm64: 0.0000133334 } as const;
const USD_PER_REQUEST = 0.2 / 1_000_000;

export interface LambdaCostInput {
  /** The function's configured memory (`MemorySize` from GetFunctionConfiguration). */
  readonly memoryMb: number;
  /** The function's configured timeout (`Timeout`), seconds: the worst case is every invocation running until it. */
  readonly timeoutS: number;
  /** The invocation cap of the run. */
  readonly invocations: number;
  readonly architecture?: 'x86_64' | 'arm64' | undefined;
}

export interface CostEstimate {
  readonly input: LambdaCostInput;
  readonly gbSeconds: number;
  readonly computeUsd: number;
  readonly requestUsd: number;
  /** Compute plus requests: what the run costs at most. */
  readonly usd: number;
}

/** The most a run of `invocations` can cost: every one billed for the whole timeout at the configured memory. */
export function estimateLambdaCost(input: LambdaCostInput): CostEstimate {
  const gbSeconds = (input.memoryMb / 1024) * input.timeoutS * input.invocations;
  const computeUsd = gbSeconds * USD_PER_GB_SECOND[input.architecture ?? 'x86_64'];
  const requestUsd = input.invocations * USD_PER_REQUEST;
  return { input, gbSeconds, computeUsd, requestUsd, usd: computeUsd + requestUsd };
}

/** The line printed before the first invocation: `worst case: 500 invocations × 1024 MB × 30 s ≈ $0.25`. */
export function formatCostLine(estimate: CostEstimate): string {
  const { invocations, memoryMb, timeoutS, architecture } = estimate.input;
  const arch = architecture === 'arm64' ? ' (arm64)' : '';
  return `worst case: ${invocations} invocations × ${memoryMb} MB × ${timeoutS} s${arch} ≈ ${formatUsd(estimate.usd)}`;
}

/**
 * Refuses a run whose worst case exceeds `maxCost` (USD), before anything is sent.
 * @throws HarnessError `EFZ_USAGE` saying what the worst case is and how to allow it.
 */
export function checkMaxCost(estimate: CostEstimate, maxCost: number): void {
  if (estimate.usd <= maxCost) return;
  throw new HarnessError(
    'EFZ_USAGE',
    `The ${formatCostLine(estimate)}, above --max-cost ${formatUsd(maxCost)}. Raise it with --max-cost ${ceilCents(estimate.usd)}, or lower --max-invocations.`,
  );
}

/** Cents for amounts from a cent up, four significant digits below (a sweep of a small function costs fractions of a cent). */
export function formatUsd(usd: number): string {
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd === 0) return '$0';
  return `$${usd.toPrecision(2)}`;
}

function ceilCents(usd: number): string {
  return (Math.ceil(usd * 100) / 100).toFixed(2);
}
