import type { Effect, FileEffect } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { pathTraversal } from '../../../src/oracles/path-traversal.js';
import { observation, oracleContext } from '../../helpers/observation.js';

const TOKEN = 'efzcanary00001';
const OTHER = 'efzcanary99999';
const PAYLOAD = `../../../../../../../../etc/${TOKEN}`;

function fileEffect(overrides: Partial<FileEffect> = {}): Effect {
  return {
    kind: 'file',
    api: 'fs.readFileSync',
    op: 'read',
    path: `/etc/${TOKEN}`,
    resolved: `/etc/${TOKEN}`,
    blocked: false,
    callSite: 'handler.mjs:12:20',
    outsideRoots: true,
    ...overrides,
  };
}

function check(effects: Effect[], payload = PAYLOAD) {
  const context = oracleContext({
    case: {
      canary: TOKEN,
      injection: { point: 'body', target: 'body<json>.name', payloadId: 'pt-dotdot', family: 'path-traversal', placement: 'replace', payload },
    },
  });
  return pathTraversal.check(observation({ effects }), context);
}

describe('path-traversal oracle', () => {
  it('confirms a read that landed on the payload target outside the roots (high)', () => {
    const [finding, ...rest] = check([fileEffect()]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ oracle: 'path-traversal', confidence: 'confirmed', severity: 'high', signature: 'handler.mjs:12:20:read' });
    expect(finding?.evidence).toContain(`/etc/${TOKEN}`);
  });

  it.each([
    ['an extension appended', `/etc/${TOKEN}.html`],
    ['more segments appended (template dir + lang + name)', `/etc/${TOKEN}/welcome.html`],
    ['a suffix and a sub-directory', `/etc/${TOKEN}-en/partials/header.hbs`],
  ])('confirms a landing whatever the handler appended after the payload: %s', (_name, resolved) => {
    const findings = check([fileEffect({ path: `/srv/templates/../../../../etc/${TOKEN}${resolved.slice(`/etc/${TOKEN}`.length)}`, resolved })]);
    expect(findings.map((f) => f.confidence)).toEqual(['confirmed']);
    expect(findings[0]?.evidence).toContain(`passes through /etc/${TOKEN}`);
  });

  it.each([
    ['the token one level deeper than the payload aims', `/etc/app/${TOKEN}.html`],
    ['another top-level directory', `/var/${TOKEN}/welcome.html`],
    ['the base directory kept (no escape)', `/srv/templates/etc/${TOKEN}/welcome.html`],
  ])('does not confirm a path that did not pass through the payload target: %s', (_name, resolved) => {
    expect(check([fileEffect({ path: resolved, resolved })]).map((f) => f.confidence)).toEqual([]);
  });

  it('never confirms a landing inside the allowed roots (the task root or the temp directory)', () => {
    // A task root at /etc/<something> is unusual but possible: the probe's roots decide, not the path's shape.
    const inside = check([fileEffect({ path: `/etc/${TOKEN}`, resolved: `/etc/${TOKEN}`, outsideRoots: false })]);
    expect(inside).toEqual([]);
    const climbedInside = check([fileEffect({ path: `/tmp/a/../../etc/${TOKEN}`, resolved: `/etc/${TOKEN}`, outsideRoots: false })]);
    expect(climbedInside.map((f) => f.confidence)).toEqual(['tainted']);
  });

  it('rates a blocked write or delete outside the roots critical', () => {
    const findings = check([
      fileEffect({ api: 'fs.writeFileSync', op: 'write', blocked: true }),
      fileEffect({ api: 'fs.promises.rm', op: 'delete', blocked: true, callSite: 'handler.mjs:20:3' }),
    ]);
    expect(findings.map((f) => [f.confidence, f.severity, f.signature])).toEqual([
      ['confirmed', 'critical', 'handler.mjs:12:20:write'],
      ['confirmed', 'critical', 'handler.mjs:20:3:delete'],
    ]);
    expect(findings[0]?.evidence).toContain('eventfuzz refused it');
  });

  describe('a write or delete outside the roots that is no traversal (issue 8: a refusal is never silent)', () => {
    it.each([
      ['write', 'fs.writeFileSync', 'Write outside the allowed roots at a payload-chosen path via fs.writeFileSync'],
      ['delete', 'fs.unlinkSync', 'Delete outside the allowed roots at a payload-chosen path via fs.unlinkSync'],
    ] as const)('a refused %s at a payload-named file under a fixed base: confirmed, high, said refused', (op, api, title) => {
      const path = `/srv/data/;echo ${TOKEN}$((6*7))`;
      const findings = check([fileEffect({ api, op, path, resolved: path, blocked: true })], `;echo ${TOKEN}$((6*7))`);
      expect(findings).toEqual([expect.objectContaining({ confidence: 'confirmed', severity: 'high', title, signature: `handler.mjs:12:20:${op}` })]);
      expect(findings[0]?.evidence).toContain('eventfuzz refused it, so nothing was changed');
      expect(findings[0]?.evidence).toContain(`would change ${path}`);
    });

    it('names the real location when a symlink took a path inside /tmp elsewhere', () => {
      const path = `/tmp/link/${TOKEN}`;
      const findings = check([fileEffect({ api: 'fs.writeFileSync', op: 'write', path, resolved: path, real: `/home/dev/${TOKEN}`, blocked: true })], TOKEN);
      expect(findings.map((f) => [f.confidence, f.severity])).toEqual([['confirmed', 'high']]);
      expect(findings[0]?.evidence).toContain(`real location: /home/dev/${TOKEN} (outside the task root and the temp directory)`);
      expect(findings[0]?.evidence).toContain('where a symlink on the way leads');
    });

    it('is reported the same when --allow-exec let it run (replay shows the same finding)', () => {
      const findings = check([fileEffect({ api: 'fs.writeFileSync', op: 'write', path: `/srv/data/${TOKEN}`, resolved: `/srv/data/${TOKEN}` })], TOKEN);
      expect(findings.map((f) => f.title)).toEqual(['Write outside the allowed roots at a payload-chosen path via fs.writeFileSync']);
      expect(findings[0]?.evidence).toContain('it was performed');
    });

    it('is not reported for a read, a write inside the roots, or a path with a NUL byte (node refuses it itself)', () => {
      expect(check([fileEffect({ path: `/srv/data/${TOKEN}`, resolved: `/srv/data/${TOKEN}` })], TOKEN)).toEqual([]);
      expect(check([fileEffect({ op: 'write', path: `/tmp/${TOKEN}`, resolved: `/tmp/${TOKEN}`, outsideRoots: false })], TOKEN)).toEqual([]);
      expect(check([fileEffect({ op: 'write', path: `/srv/${TOKEN}\u0000`, resolved: `/srv/${TOKEN}\u0000`, blocked: false })], TOKEN)).toEqual([]);
    });

    it('gives way to a proven traversal: a write landing where the payload aims stays a critical path traversal', () => {
      const findings = check([fileEffect({ api: 'fs.writeFileSync', op: 'write', blocked: true })]);
      expect(findings.map((f) => [f.title, f.severity])).toEqual([['Path traversal via fs.writeFileSync', 'critical']]);
    });
  });

  it.each([
    ['encoded separators', `..%2f..%2f..%2fetc%2f${TOKEN}`],
    ['double-encoded separators', `%252e%252e%252fetc%252f${TOKEN}`],
    ['backslashes', `..\\..\\..\\etc\\${TOKEN}`],
    ['fullwidth slashes (NFKC)', `\uff0e\uff0e\uff0fetc\uff0f${TOKEN}`],
  ])('confirms a landing whatever separators the payload spelled (%s)', (_name, payload) => {
    expect(check([fileEffect()], payload).map((f) => f.confidence)).toEqual(['confirmed']);
  });

  it('reports nothing for a token path inside the roots without traversal sequences', () => {
    expect(check([fileEffect({ path: `/tmp/uploads/${TOKEN}`, resolved: `/tmp/uploads/${TOKEN}`, outsideRoots: false })])).toEqual([]);
  });

  it("reports nothing for another case's canary", () => {
    expect(check([fileEffect({ path: `/etc/${OTHER}`, resolved: `/etc/${OTHER}` })])).toEqual([]);
  });

  it('reports nothing for effects of other kinds or without effects (remote runner)', () => {
    const context = oracleContext({ case: { canary: TOKEN } });
    expect(pathTraversal.check(observation({ effects: undefined }), context)).toEqual([]);
    expect(check([{ kind: 'network', api: 'fetch', host: TOKEN, port: 80, url: null, blocked: true, callSite: 'x' }])).toEqual([]);
  });

  it('reports nothing when the payload stayed inert inside a base that lies outside the roots (containment-checked handler)', () => {
    const inert = `/var/task/templates/..%2f..%2fetc%2f${TOKEN}`;
    expect(check([fileEffect({ path: inert, resolved: inert })], `..%2f..%2fetc%2f${TOKEN}`)).toEqual([]);
    const strip = `/var/task/templates/..../..../etc/${TOKEN}`;
    expect(check([fileEffect({ path: strip, resolved: strip })], `....//....//etc/${TOKEN}`)).toEqual([]);
  });

  it('does not confirm a landing in a directory the payload does not aim at', () => {
    expect(check([fileEffect({ path: `/data/${TOKEN}`, resolved: `/data/${TOKEN}` })])).toEqual([]);
  });

  it('marks as tainted literal `..` segments reaching fs that stayed inside the roots', () => {
    const path = `/tmp/a/b/c/d/e/f/g/h/i/../../../../etc/${TOKEN}`;
    const findings = check([fileEffect({ path, resolved: `/tmp/a/b/c/d/e/etc/${TOKEN}`, outsideRoots: false, op: 'write', api: 'fs.writeFile' })]);
    expect(findings.map((f) => [f.confidence, f.severity])).toEqual([['tainted', 'critical']]);
  });

  it('does not treat a path with a NUL byte as reached', () => {
    const path = `/etc/${TOKEN}\u0000.png`;
    expect(check([fileEffect({ path, resolved: path })], `../../etc/${TOKEN}\u0000.png`)).toEqual([]);
  });

  it('keeps one finding per call site and op, confirmed over tainted, and no canary in the signature', () => {
    const findings = check([
      fileEffect({ path: `/tmp/x/../${TOKEN}`, resolved: `/tmp/${TOKEN}`, outsideRoots: false }),
      fileEffect(),
      fileEffect({ callSite: `/tmp/${TOKEN}/h.js:1:1` }),
    ]);
    expect(findings.map((f) => [f.confidence, f.signature])).toEqual([
      ['confirmed', 'handler.mjs:12:20:read'],
      ['confirmed', '/tmp/<canary>/h.js:1:1:read'],
    ]);
  });
});
