import type { FieldKind } from './types.js';

/** What the scheduler knows of a field before sending anything to it. */
export interface FieldShape {
  /** The field's own name: the last key of its path (`fileName`, `X-Forwarded-Host`), when it has one. */
  readonly name: string | undefined;
  /** The declared kind of a source's injection point; absent for a sample's leaves. */
  readonly kind?: FieldKind | undefined;
  /** The value the field holds in the sample, when the cases are built on samples. */
  readonly value?: string | undefined;
}

/**
 * The order payload families are tried in when a field has no hint: the sinks whose bugs run code or reach
 * files and hosts first, the ones that only disturb output last.
 */
const DEFAULT_ORDER = [
  'command-injection',
  'code-injection',
  'path-traversal',
  'prototype-pollution',
  'ssrf',
  'template-injection',
  'sql-injection',
  'nosql-injection',
  'redos',
  'xxe',
  'format-string',
  'log-injection',
  'xss',
  'boundary',
] as const;

interface FitRule {
  readonly families: readonly string[];
  readonly name?: RegExp;
  readonly value?: RegExp;
  readonly kinds?: readonly FieldKind[];
}

/**
 * Hints from a field's name, value and kind, strongest first. A team names a field after what it holds
 * (`templateName`, `callbackUrl`, `email`), and a sample's value shows its shape (`reports/2024/q1.pdf`,
 * `https://…`, `a@b.example`): the sink it feeds is likely the one such values are made for. These only
 * order the first pass; every family still reaches every field.
 */
const RULES: readonly FitRule[] = [
  { families: ['ssrf'], value: /^[a-z][a-z0-9+.-]*:\/\//i, name: /url|uri|href|link|callback|webhook|endpoint|redirect|feed|origin|proxy|forwarded-host/i },
  {
    families: ['path-traversal', 'command-injection'],
    value: /^[^\s:]*[\\/][^\s]*$|^[\w.-]+\.[a-z0-9]{1,5}$/i,
    name: /file|path|dir|folder|key|template|tpl|lang|locale|doc|image|img|avatar|attachment|prefix|report|theme|asset/i,
    kinds: ['object-key', 'path'],
  },
  { families: ['command-injection'], name: /cmd|command|exec|shell|host|ip|domain|ping|args?$|tool|program|bin|format|codec|convert/i },
  { families: ['code-injection', 'template-injection'], name: /expr|formula|filter|code|script|calc|rule|condition|predicate|sort|transform|fn|lambda|eval|math/i },
  { families: ['template-injection', 'xss', 'log-injection'], name: /template|tpl|message|msg|greeting|subject|title|text|content|html|comment|note|description|name/i, kinds: ['subject'] },
  {
    families: ['redos', 'boundary'],
    value: /^[^@\s]+@[^@\s]+$|^-?\d+(\.\d+)?$|^\d{4}-\d{2}-\d{2}/,
    name: /e-?mail|phone|date|time|amount|price|total|qty|quantity|zip|postcode|version|sku|slug|user(name)?|page|limit|offset|size|count/i,
  },
  { families: ['prototype-pollution', 'nosql-injection', 'code-injection', 'boundary'], name: /config|options|settings|opts|prefs|preferences|data|payload|meta|attributes|profile|flags?/i, kinds: ['body', 'message'] },
  { families: ['sql-injection', 'nosql-injection'], name: /^id$|id$|search|query|q$|where|order|sort|column|field/i, kinds: ['query'] },
  { families: ['log-injection', 'ssrf'], kinds: ['header', 'cookie'] },
];

/**
 * The families of `available` in the order this field should receive them: families its hints point at first
 * (in the order of the rules that matched), then the rest in the default order, then any family the default
 * order does not know (a user's own corpus), as given.
 */
export function familyOrder(field: FieldShape, available: readonly string[]): string[] {
  // What the value looks like outweighs a declared kind, which outweighs a substring of the name.
  const matched = RULES.map((rule) => ({ rule, strength: strengthOf(rule, field) }))
    .filter((m) => m.strength > 0)
    .sort((a, b) => b.strength - a.strength);
  const preferred: string[] = [];
  for (const { rule } of matched) {
    for (const family of rule.families) if (!preferred.includes(family)) preferred.push(family);
  }
  const rest = [...DEFAULT_ORDER, ...available].filter((family) => !preferred.includes(family));
  const ordered = [...preferred, ...rest];
  return ordered.filter((family, index) => available.includes(family) && ordered.indexOf(family) === index);
}

function strengthOf(rule: FitRule, field: FieldShape): number {
  if (rule.value !== undefined && field.value !== undefined && field.value.length < 2048 && rule.value.test(field.value)) return 3;
  if (rule.kinds !== undefined && field.kind !== undefined && rule.kinds.includes(field.kind)) return 2;
  return rule.name !== undefined && field.name !== undefined && rule.name.test(field.name) ? 1 : 0;
}
