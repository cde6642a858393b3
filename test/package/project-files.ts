// The files of a user's project that installs the packed eventfuzz: written the way a team would, in either
// module system. Only the module syntax of the runnable scripts differs between the two.

export type ModuleSystem = 'esm' | 'cjs';

/** A vulnerable SQS consumer (shell with the order id) and its safe twin (execFile, no shell). */
const VULNERABLE_HANDLER = `import { execSync } from 'node:child_process';
import type { SQSEvent } from 'aws-lambda';

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const order = JSON.parse(record.body) as { id?: string };
    execSync(\`echo processing \${order.id ?? record.body}\`);
  }
};
`;

const SAFE_HANDLER = `import { execFileSync } from 'node:child_process';
import type { SQSEvent } from 'aws-lambda';

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) execFileSync('echo', ['processing', record.messageId]);
};
`;

/** Uses the public types: compiled with \`tsc --noEmit\` under the project's own settings. */
const TYPES_FILE = `import fc from 'fast-check';
import type { FuzzReport } from 'eventfuzz';
import { defineConfig, fuzz } from 'eventfuzz';
import { sqsEvent } from 'eventfuzz/generators';

export const config = defineConfig({ targets: [{ name: 'orders', handler: 'src/orders.ts#handler', source: 'sqs' }] });

export async function check(): Promise<number> {
  const report: FuzzReport = await fuzz({ handler: 'src/orders.ts#handler', source: 'sqs', runs: 10, seed: 1 });
  // The generators are arbitraries of the project's own fast-check (a peer dependency), whatever its module system.
  await fc.assert(fc.asyncProperty(sqsEvent(), async (event) => event.Records.length >= 0), { numRuns: 5 });
  return report.findings.length;
}
`;

/** The vitest matcher, in a test file the project's vitest runs. */
const VITEST_FILE = `import { expect, it } from 'vitest';
import 'eventfuzz/vitest';

it('the safe consumer withstands fuzzing', async () => {
  await expect('src/safe.ts#handler').toWithstandFuzzing({ source: 'sqs', corpusDir: '.no-corpus' });
}, 60_000);

it('the vulnerable consumer does not', async () => {
  await expect(expect('src/orders.ts#handler').toWithstandFuzzing({ source: 'sqs', corpusDir: '.no-corpus' })).rejects.toThrow(/command-injection/);
}, 60_000);
`;

/** The library and the generators from plain JavaScript: prints one JSON line for the test to read. */
function apiScript(system: ModuleSystem): string {
  const imports =
    system === 'esm'
      ? "import fc from 'fast-check';\nimport { fuzz } from 'eventfuzz';\nimport { sqsEvent } from 'eventfuzz/generators';\n"
      : "const fc = require('fast-check');\nconst { fuzz } = require('eventfuzz');\nconst { sqsEvent } = require('eventfuzz/generators');\n";
  return `${imports}
async function main() {
  const report = await fuzz({ handler: 'src/orders.ts#handler', source: 'sqs', runs: 200, seed: 1, corpusDir: '.api-corpus' });
  let events = 0;
  await fc.assert(fc.asyncProperty(sqsEvent(), async (event) => { if (Array.isArray(event.Records)) events++; }), { numRuns: 20, seed: 1 });
  const findings = report.findings.map((finding) => ({ oracle: finding.oracle, evidence: finding.evidence }));
  process.stdout.write(JSON.stringify({ findings, events }) + '\\n');
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`;
}

export function projectFiles(system: ModuleSystem, versions: Readonly<Record<string, string>>, tarball: string): Record<string, string> {
  const packageJson = {
    name: `user-project-${system}`,
    private: true,
    type: system === 'esm' ? 'module' : 'commonjs',
    devDependencies: { eventfuzz: `file:${tarball}`, ...versions },
  };
  const tsconfig = {
    compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
    include: ['src', 'types.ts', 'orders.test.ts'],
  };
  return {
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'src/orders.ts': VULNERABLE_HANDLER,
    'src/safe.ts': SAFE_HANDLER,
    'types.ts': TYPES_FILE,
    'orders.test.ts': VITEST_FILE,
    [system === 'esm' ? 'api.mjs' : 'api.cjs']: apiScript(system),
  };
}
