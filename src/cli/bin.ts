import { main } from './main.js';
import { processIo } from './io.js';

/**
 * The signals that stop a run cleanly, with the exit code a run they stopped ends with when it found nothing
 * (128 + the signal's number, as shells report it). SIGTERM is what CI runners and `timeout` send on cancel,
 * SIGHUP what a closed terminal sends: both must leave the summary and the reports behind, like Ctrl-C.
 */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Runs the CLI for this process. The first stop signal asks the campaign to stop (in-flight work finishes,
 * findings and reports are written); a second one exits at once.
 */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  // Created before any run: its writers are bound now, so the in-process runner's capture of process.stderr.write
  // (while a handler runs) cannot swallow the stop message.
  const io = processIo(controller.signal);
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (controller.signal.aborted) process.exit(STOP_SIGNALS[signal]);
    stoppedBy = signal;
    io.stderr(signal === 'SIGINT' ? '\neventfuzz: stopping (Ctrl-C again to quit now)…\n' : `\neventfuzz: ${signal}: stopping, writing the summary and reports (send it again to quit now)…\n`);
    controller.abort();
  };
  const names = Object.keys(STOP_SIGNALS) as StopSignal[];
  for (const name of names) process.on(name, onSignal);
  const code = await main(process.argv.slice(2), io);
  for (const name of names) process.off(name, onSignal);
  process.exitCode = stoppedBy !== undefined && code === 0 ? STOP_SIGNALS[stoppedBy] : code;
}
