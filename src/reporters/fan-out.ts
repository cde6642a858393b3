import type { FuzzReport } from '../api/report.js';
import type { CampaignListener } from '../engine/types.js';

type Reporter = CampaignListener & { finish(report: FuzzReport): void };

/** One listener that tells each reporter everything, in the order given (the console, then `--ndjson`). */
export function fanOut(reporters: readonly Reporter[]): Reporter {
  return {
    onProgress: (progress) => reporters.forEach((r) => r.onProgress?.(progress)),
    onFinding: (finding, stage) => reporters.forEach((r) => r.onFinding?.(finding, stage)),
    onBaseline: (baseline) => reporters.forEach((r) => r.onBaseline?.(baseline)),
    onNotice: (message) => reporters.forEach((r) => r.onNotice?.(message)),
    finish: (report) => reporters.forEach((r) => r.finish(report)),
  };
}
