import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { HarnessError } from '../../core/index.js';
import { knownEnv, toDetected } from './handler-file.js';
import { referencedSources } from './lambda-events.js';
import type { DetectedFunction, Detection } from './types.js';
import { asObject, asString } from './types.js';

/** Where `cdk synth` writes the cloud assembly's manifest. */
export const CDK_MANIFEST = 'cdk.out/manifest.json';

/**
 * The Node.js functions of a synthesized CDK app (`cdk.out`): every stack template of the manifest (and of nested
 * assemblies, one per stage), its `AWS::Lambda::Function` resources, each run from its bundled asset directory
 * (`Metadata["aws:asset:path"]`, `index.handler` unless the template says otherwise). Functions CDK adds for
 * itself (custom resource providers, log retention) are skipped.
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/cloud-assembly-schema/README.md
 */
export function detectCdk(projectDir: string): Detection | undefined {
  const manifest = join(projectDir, CDK_MANIFEST);
  if (!existsSync(manifest)) return undefined;
  const notes: string[] = [];
  const functions: DetectedFunction[] = [];
  for (const { dir, templateFile } of stackTemplates(join(projectDir, 'cdk.out'), projectDir)) {
    const template = asObject(readJson(join(dir, templateFile), relative(projectDir, join(dir, templateFile)))) ?? {};
    const resources = asObject(template['Resources']) ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      if (asObject(resource)?.['Type'] !== 'AWS::Lambda::Function') continue;
      const props = asObject(asObject(resource)?.['Properties']) ?? {};
      const metadata = asObject(asObject(resource)?.['Metadata']) ?? {};
      const path = asString(metadata['aws:cdk:path']) ?? id;
      if (isCdkOwn(id, path)) continue;
      const name = constructName(path, id);
      const asset = asString(metadata['aws:asset:path']);
      if (asset === undefined) {
        notes.push(`${name}: skipped, ${asObject(props['Code'])?.['ZipFile'] !== undefined ? 'inline code' : 'no local asset (aws:asset:path)'}`);
        continue;
      }
      const detected = toDetected(
        {
          name,
          handler: props['Handler'] ?? 'index.handler',
          runtime: props['Runtime'],
          codeDir: resolve(dir, asset),
          sources: referencedSources(resources, id),
          otherEvents: [],
          env: knownEnv([asObject(props['Environment'])?.['Variables']]),
        },
        projectDir,
        notes,
      );
      functions.push(...detected);
    }
  }
  return { kind: 'cdk', file: CDK_MANIFEST, functions, notes };
}

function stackTemplates(dir: string, projectDir: string, depth = 0): { dir: string; templateFile: string }[] {
  const file = join(dir, 'manifest.json');
  const artifacts = asObject(asObject(readJson(file, relative(projectDir, file)))?.['artifacts']) ?? {};
  return Object.values(artifacts).flatMap((artifact) => {
    const properties = asObject(asObject(artifact)?.['properties']) ?? {};
    const type = asObject(artifact)?.['type'];
    const templateFile = asString(properties['templateFile']);
    if (type === 'aws:cloudformation:stack' && templateFile !== undefined) return [{ dir, templateFile }];
    const nested = asString(properties['directoryName']);
    if (type === 'cdk:cloud-assembly' && nested !== undefined && depth < 4) return stackTemplates(join(dir, nested), projectDir, depth + 1);
    return [];
  });
}

/** CDK's own Lambda functions: they back constructs, not the app. */
function isCdkOwn(id: string, path: string): boolean {
  return /\/Custom::|\/Provider\/framework-|LogRetention[0-9a-f]{8}|BucketNotificationsHandler|^AWS679f53fac002430cb0da5b7982bd2287/.test(`${path} ${id}`) || id.startsWith('CustomResourceProvider') || id.startsWith('LogRetention');
}

/** `OrdersStack/OrdersHandler/Resource` → `OrdersHandler`: the id the developer gave the construct. */
function constructName(path: string, fallback: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== 'Resource');
  return parts.length > 1 ? parts[parts.length - 1]! : fallback;
}

function readJson(file: string, label: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new HarnessError('EFZ_USAGE', `${label}: could not read: ${(error as Error).message.split('\n')[0]}`);
  }
}
