import fc from 'fast-check';

// Property tests run from a fixed seed in CI so a red build replays exactly; locally a random seed explores more.
const seedText = process.env['EFZ_TEST_SEED'] ?? (process.env['CI'] ? '20261122' : undefined);
if (seedText !== undefined) fc.configureGlobal({ seed: Number(seedText) });
