/**
 * `npm run bench`: throughput figures, each beside a baseline measured in the same run (machines are noisy;
 * ratios travel, absolute numbers do not). `BENCH_SECONDS` sets the time per generation figure (default 2).
 */
import { benchExecution, benchHostile, benchMemory } from './execution.js';
import { benchGeneration } from './generation.js';
import { formatRows } from './measure.js';
import { benchStartup } from './startup.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 2);
console.log(`eventfuzz bench: node ${process.version}, ${seconds}s per generation figure`);
console.log(formatRows('Event generation, one core (events/s)', benchGeneration(seconds)));
console.log(formatRows('Fuzzing a trivial SQS handler (execs/s)', await benchExecution(seconds)));
console.log(formatRows('Slow and hostile handlers, isolated (cases/s; ratio = share of the limit)', await benchHostile(seconds)));
console.log(await benchMemory());
console.log(benchStartup());
