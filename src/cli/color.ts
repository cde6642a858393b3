/**
 * Whether a stream gets colour: `NO_COLOR` (any non-empty value, no-color.org) turns it off, `FORCE_COLOR` turns
 * it on (`0` or `false` off), otherwise only a terminal that is not `dumb` gets it. Logs and pipes stay plain.
 */
export function colorEnabled(stream: { readonly isTTY?: boolean | undefined }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}
