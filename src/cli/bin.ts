import { main } from './main.js';
import { processIo } from './io.js';

/**
 * Runs the CLI for this process. The first Ctrl-C asks the campaign to stop (in-flight work finishes, findings
 * and reports are written); a second one exits at once.
 */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\neventfuzz: stopping (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const code = await main(process.argv.slice(2), processIo(controller.signal));
  process.off('SIGINT', onSigint);
  process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
}
