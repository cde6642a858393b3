import type { CollectionTag, ScalarTag } from 'yaml';
import { parseDocument } from 'yaml';
import { HarnessError } from '../../core/index.js';

/**
 * The short forms of CloudFormation's intrinsic functions, each with the long form it stands for: `!Ref X` is
 * `{ "Ref": "X" }`, `!Sub s` is `{ "Fn::Sub": s }`. Resolving them to the long form gives a YAML template the
 * shape of a JSON one, so the detectors read both the same way.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
const INTRINSICS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  GetAZs: 'Fn::GetAZs',
  Cidr: 'Fn::Cidr',
  Transform: 'Fn::Transform',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
  ForEach: 'Fn::ForEach',
};

/** `!GetAtt Res.Attr` is the one short form whose scalar is split: the long form takes `[Res, Attr]`. */
function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [INTRINSICS[name]!]: value };
}

/**
 * One tag per intrinsic and node kind: any of them may be written on a scalar, a list or a map
 * (`!Sub 'x'`, `!Sub [x, {…}]`, `!Base64 { "Fn::Sub": … }`), and yaml matches a tag by name and kind.
 */
export const cloudFormationTags: readonly (ScalarTag | CollectionTag)[] = Object.keys(INTRINSICS).flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, identify: () => false, resolve: (value: string) => longForm(name, value) } satisfies ScalarTag,
    { tag, collection: 'seq', identify: () => false, resolve: (seq) => longForm(name, seq.toJSON()) } satisfies CollectionTag,
    { tag, collection: 'map', identify: () => false, resolve: (map) => longForm(name, map.toJSON()) } satisfies CollectionTag,
  ] as (ScalarTag | CollectionTag)[];
});

/**
 * Parses a CloudFormation or SAM template, YAML or JSON (JSON is YAML), and `serverless.yml` (whose `${…}`
 * variables are plain strings to YAML). Tags it does not know become warnings, never errors, and a key given
 * twice keeps its last value, as CloudFormation's own parser does: a template that deploys must parse here.
 */
export function parseTemplate(text: string, label: string): unknown {
  const document = parseDocument(text, { customTags: [...cloudFormationTags], uniqueKeys: false, logLevel: 'silent', prettyErrors: true });
  const error = document.errors[0];
  if (error !== undefined) throw new HarnessError('EFZ_USAGE', `${label}: not valid YAML: ${error.message.split('\n')[0]}`);
  return document.toJS({ maxAliasCount: -1 }) as unknown;
}
