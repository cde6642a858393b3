import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { sourceIds } from '../../../generators/index.js';
import type { SourceId } from '../../../generators/index.js';
import { loadSamples } from '../../../generators/sample/index.js';
import { DEFAULT_INSTANCES, DEFAULT_ISOLATION, fuzz, parseShard } from '../../api/fuzz.js';
import type { Isolation, Shard } from '../../api/fuzz.js';
import type { FuzzReport } from '../../api/report.js';
import { HarnessError, isHarnessError } from '../../core/index.js';
import { createConsoleReporter } from '../../reporters/console.js';
import { fanOut } from '../../reporters/fan-out.js';
import { createNdjsonReporter } from '../../reporters/ndjson.js';
import { checkReportPaths, ensureWritableDirectory, writeReports } from '../../reporters/write-reports.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { checkSampleSources, plural } from '../messages.js';
import { collect, envPair, positiveInt, seconds, seedValue } from '../parse.js';
import type { ConfigFlags } from './config-targets.js';
import { addConfigOptions, configRuns, inTarget } from './config-targets.js';
import { isolationOption } from './isolation-option.js';
import type { RemoteFlags } from './remote-options.js';
import { addRemoteOptions, refuseLogsFlagsLocally, remoteFuzzOptions } from './remote-options.js';

interface FuzzFlags extends RemoteFlags {
  readonly source?: SourceId;
  readonly runs?: number;
  readonly duration?: number;
  readonly seed?: number;
  readonly timeout: number;
  readonly sample?: string[];
  readonly env?: Record<string, string>;
  readonly secret?: string[];
  readonly workers?: number;
  readonly instances?: number;
  readonly inProcess?: boolean;
  readonly isolation?: Isolation;
  readonly corpus: string;
  readonly report?: string[];
  readonly ndjson?: boolean;
  readonly shard?: Shard;
  readonly category?: string[];
  readonly oracle?: string[];
  readonly allowExec?: boolean;
  readonly writableRoot?: string[];
  readonly taskRoot?: string;
}

/** `eventfuzz fuzz <file>[#export] --source S`: a local campaign with progress, a summary, reports and a corpus. */
export function makeFuzzCommand(io: CliIo, setExit: (code: number) => void): Command {
  const command = new Command('fuzz')
    .description('Fuzz a handler with injected AWS events and report what broke')
    .argument('[handler]', 'handler module and export, e.g. src/orders.ts#handler (export defaults to "handler")')
    .addOption(new Option('-s, --source <id>', 'event source').choices(sourceIds))
    .addOption(new Option('--runs <n>', 'cases to try (default 1000, or unbounded with --duration)').argParser(positiveInt))
    .addOption(new Option('--duration <seconds>', 'stop after this long').argParser(seconds))
    .addOption(new Option('--seed <n>', 'repeat a previous run (random when omitted, always printed)').argParser(seedValue))
    .addOption(new Option('--timeout <ms>', 'per-invocation deadline').argParser(positiveInt).default(3000))
    .addOption(new Option('--sample <file>', 'a real event (or array) to inject into; repeatable').argParser(collect))
    .addOption(new Option('--env <NAME=VALUE>', 'environment variable for the handler; repeatable').argParser(envPair))
    .addOption(new Option('--secret <NAME>', 'an environment variable whose value must never leak; repeatable').argParser(collect))
    .addOption(new Option('--workers <n>', 'warm instances the isolated runner starts with (default: the number of cores, at most 4)').argParser(positiveInt))
    .addOption(new Option('--instances <n>', `warm instances the isolated pool may grow to while throughput grows (default ${DEFAULT_INSTANCES}, never below --workers)`).argParser(positiveInt))
    .addOption(new Option('--in-process', 'run the handler in this process: fastest, but cannot stop a synchronous infinite loop'))
    .addOption(isolationOption())
    .addOption(new Option('--task-root <dir>', "the handler's working directory and LAMBDA_TASK_ROOT (default: its package root, the nearest package.json)"))
    .addOption(new Option('--corpus <dir>', 'where findings are saved the moment they are found').default('.eventfuzz/corpus'))
    .addOption(new Option('--report <file>', 'write a report, format by extension: .json, .sarif (SARIF 2.1.0 for code scanning), .xml (JUnit); repeatable').argParser(collect))
    .addOption(new Option('--shard <i/N>', 'run shard i of N of the campaign (CI matrix jobs, same --seed on each): together the N shards run what one unsharded run of the seed would, without its adaptive steering').argParser(parseShard))
    .addOption(new Option('--ndjson', 'print a stream of JSON lines on stdout for tools (progress, findings, the report last) instead of the summary'))
    .addOption(new Option('--category <name>', 'only payloads of this category; repeatable').argParser(collect))
    .addOption(new Option('--oracle <id>', 'only this oracle; repeatable').argParser(collect))
    .addOption(new Option('--writable-root <dir>', 'another directory the function may write to (an EFS mount such as /mnt/data): payload-named writes there are no finding; repeatable').argParser(collect))
    .addOption(new Option('--allow-exec', 'let commands and file writes that carry a payload really run (off: recorded and blocked)'));
  return addConfigOptions(addRemoteOptions(command)).action(async (handler: string | undefined, flags: FuzzFlags & ConfigFlags, self: Command) => {
    const fromConfig = handler === undefined && flags.function === undefined && flags.url === undefined ? await configRuns(flags, self, io) : undefined;
    if (fromConfig === undefined) {
      if (flags.config !== undefined || flags.target !== undefined) throw new HarnessError('EFZ_USAGE', '--config and --target choose targets of a config file; they do not combine with a handler, --function or --url given here.');
      setExit((await prepareFuzz(handler, flags, io)()).code);
      return;
    }
    // Every target is checked before the first one runs: a typo in the last target costs no campaign.
    const runs = fromConfig.map((run) => ({ run, start: inTarget(run.target, () => prepareFuzz(run.handler, run.flags as unknown as FuzzFlags, io)) }));
    const results: TargetResult[] = [];
    for (const { run, start } of runs) {
      io.stderr(`\neventfuzz: target "${run.target.name}"\n`);
      try {
        results.push({ name: run.target.name, ...(await start()) });
      } catch (error) {
        if (!isHarnessError(error)) throw error;
        // One target that does not load must not hide what the others find.
        io.stderr(`eventfuzz: target "${run.target.name}": ${error.message}\n`);
        results.push({ name: run.target.name, code: ExitCode.UsageOrConfig, failure: error.message });
      }
    }
    // With --ndjson stdout holds only JSON lines (a report per target): the per-target lines go to the log.
    (flags.ndjson === true ? io.stderr : io.stdout)(`\n${targetSummary(results)}`);
    setExit(results.some((r) => r.code === ExitCode.Findings) ? ExitCode.Findings : results.some((r) => r.code !== ExitCode.Ok) ? ExitCode.UsageOrConfig : ExitCode.Ok);
  });
}

interface TargetResult {
  readonly name: string;
  readonly code: number;
  readonly findings?: number;
  readonly runs?: number;
  readonly failure?: string | undefined;
}

/** One line per target of a config run. */
function targetSummary(results: readonly TargetResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => {
      const what = r.findings === undefined ? `failed: ${r.failure ?? 'unknown error'}` : `${plural(r.findings, 'finding', 'findings')} in ${plural(r.runs ?? 0, 'run', 'runs')}${r.failure === undefined ? '' : ` (stopped early: ${r.failure})`}`;
      return `target ${r.name.padEnd(width)}  ${what}\n`;
    })
    .join('');
}

/**
 * Checks one target's flags and loads its samples (everything that can fail before a campaign), and returns the
 * campaign to start: with a config file, every target is prepared before the first runs.
 */
function prepareFuzz(handler: string | undefined, flags: FuzzFlags, io: CliIo): () => Promise<{ readonly code: number; readonly findings: number; readonly runs: number; readonly failure: string | undefined }> {
  const remote = flags.function === undefined && flags.url === undefined ? undefined : remoteFuzzOptions(handler, flags);
  if (remote === undefined) refuseLogsFlagsLocally(flags);
  if (handler === undefined && remote === undefined) throw new HarnessError('EFZ_USAGE', 'Missing the handler to fuzz, e.g. eventfuzz fuzz src/handler.ts#handler --source sqs (or --function NAME, --url URL for a deployed one, or targets in an eventfuzz.config.json: eventfuzz init writes one)');
  if (flags.source === undefined && (flags.sample ?? []).length === 0 && flags.url === undefined) throw new HarnessError('EFZ_USAGE', `Missing --source. Choose one of: ${sourceIds.join(', ')}.`);
  // The CLI picks a random seed when none is given: each shard would pick its own and they would split nothing.
  if (flags.shard !== undefined && flags.seed === undefined) throw new HarnessError('EFZ_USAGE', '--shard needs --seed N, the same on every shard, or the shards would not split one campaign.');
  const reports = flags.report ?? [];
  // Everything that would fail only after the campaign is checked before it starts.
  checkReportPaths(reports);
  // Checked, not created: the corpus directory appears with the first finding, as before.
  const corpusProblem = ensureWritableDirectory(flags.corpus, { create: false });
  if (corpusProblem !== undefined) throw new HarnessError('EFZ_USAGE', `Cannot use --corpus "${flags.corpus}": ${corpusProblem}.`);
  const samples = (flags.sample ?? []).map((file) => ({ file, events: loadSamples(file) }));
  checkSampleSources(flags.source, samples);
  return async () => {
    const seed = flags.seed ?? (Math.random() * 0x7fffffff) | 0;
    const workers = flags.workers ?? Math.min(availableParallelism(), 4);
    const [what, how] = startLine(handler, flags, workers);
    io.stderr(`eventfuzz: fuzzing ${what} with seed ${seed} (${how})\n`);
    // With --ndjson stdout is the stream (its last line the report); progress and findings stay on stderr for
    // whoever watches the log.
    const human = createConsoleReporter(flags.ndjson === true ? { ...io, stdout: () => {} } : io);
    const console = flags.ndjson === true ? fanOut([human, createNdjsonReporter(io.stdout)]) : human;
    const report = await fuzz({
      handler,
      source: flags.source,
      sampleFiles: flags.sample,
      runs: flags.runs,
      durationMs: flags.duration === undefined ? undefined : flags.duration * 1000,
      seed,
      timeoutMs: flags.timeout,
      ...remote,
      runner: flags.inProcess === true ? 'in-process' : 'isolated',
      workers,
      instances: flags.instances,
      isolation: flags.isolation,
      env: flags.env,
      secrets: flags.secret,
      allowExec: flags.allowExec === true,
      writableRoots: flags.writableRoot,
      categories: flags.category,
      oracles: flags.oracle,
      corpusDir: flags.corpus,
      taskRoot: flags.taskRoot,
      shard: flags.shard,
      listener: console,
      signal: io.signal,
      cwd: io.cwd,
    });
    // The summary first: a report that cannot be written must not cost the user what the run found.
    console.finish(report);
    const found = report.findings.length > 0 || report.baseline.problems.length > 0;
    const unwritten = writeReportsSaying(reports, report, io);
    // A report that could not be written after all (the disk filled up meanwhile) is exit 2 only when nothing was
    // found: it must not turn "your handler has a bug" into "eventfuzz was misused".
    if (unwritten && !found) return { code: ExitCode.UsageOrConfig, findings: 0, runs: report.stats.runs, failure: 'a report could not be written' };
    // The target stopped being runnable mid-run: what was found still decides exit 1; otherwise it is a
    // target-load error (2), never a clean 0.
    if (report.failure !== undefined) io.stderr(`eventfuzz: the run stopped early: ${report.failure}\n`);
    const code = found ? ExitCode.Findings : report.failure !== undefined ? ExitCode.UsageOrConfig : ExitCode.Ok;
    return { code, findings: report.findings.length + report.baseline.problems.length, runs: report.stats.runs, failure: report.failure };
  };
}

/** Writes each report, saying so; a failure is said too and the next report is still tried. True when one failed. */
function writeReportsSaying(files: readonly string[], report: FuzzReport, io: CliIo): boolean {
  let failed = false;
  for (const file of files) {
    try {
      writeReports([file], report);
      io.stderr(`eventfuzz: report written to ${file}\n`);
    } catch (error) {
      if (!isHarnessError(error)) throw error;
      io.stderr(`eventfuzz: ${error.message}\n`);
      failed = true;
    }
  }
  return failed;
}

/** What is fuzzed, and how, for the run's first line. */
function startLine(handler: string | undefined, flags: FuzzFlags, workers: number): readonly [string, string] {
  if (flags.function !== undefined) {
    const name = flags.qualifier === undefined ? flags.function : `${flags.function}:${flags.qualifier}`;
    return [`Lambda function ${name}`, `remote: at most ${flags.maxInvocations} invocations, ${flags.rate}/s, ${flags.concurrency} in flight`];
  }
  if (flags.url !== undefined) return [displayUrl(flags.url), `remote: at most ${flags.maxInvocations} requests, ${flags.rate}/s, ${flags.concurrency} in flight`];
  if (flags.inProcess === true) return [String(handler), 'in-process'];
  const [realm, realms] = (flags.isolation ?? DEFAULT_ISOLATION) === 'process' ? ['child process', 'child processes'] : ['worker thread', 'worker threads'];
  return [String(handler), `isolated, ${plural(workers, realm, realms)}`];
}

/** A URL as the start line prints it, before anything checked it: credentials put in it stay out of CI logs. */
function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return raw;
  }
}
