import { Option } from 'commander';
import { DEFAULT_ISOLATION, isolations } from '../../api/fuzz.js';

/** `--isolation process|thread`, shared by fuzz and replay: where the isolated runner's warm instances run. */
export function isolationOption(): Option {
  return new Option('--isolation <realm>', 'where each warm instance runs: a child process (nothing the handler does to its runtime reaches eventfuzz) or a worker thread (faster to start)')
    .choices(isolations)
    .default(DEFAULT_ISOLATION);
}
