import { main } from './main.js';
import { processIo } from './io.js';

/**
 * Runs the CLI for this process. The first Ctrl-C asks the campaign to stop (in-flight work finishes, findings
 * and reports are written); a second one exits at once.
 */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  // Created before any run: its writers are bound now, so the in-process runner's capture of process.stderr.write
  // (while a handler runs) cannot swallow the Ctrl-C message.
  const io = processIo(controller.signal);
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr('\neventfuzz: stopping (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const code = await main(process.argv.slice(2), io);
  process.off('SIGINT', onSigint);
  process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
}
