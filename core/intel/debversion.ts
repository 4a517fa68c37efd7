/**
 * Debian version comparison (deb-version(7), dpkg's verrevcmp): `[epoch:]upstream[-revision]`, each part
 * compared as alternating non-digit and digit runs; in non-digit runs `~` sorts before everything, even
 * the end of the string, letters before other characters.
 */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a.charAt(i))) || (j < b.length && !/[0-9]/.test(b.charAt(j)))) {
      const ac = order(i < a.length ? a.charAt(i) : undefined);
      const bc = order(j < b.length ? b.charAt(j) : undefined);
      if (ac !== bc) return ac - bc;
      i += 1;
      j += 1;
    }
    while (a.charAt(i) === '0') i += 1;
    while (b.charAt(j) === '0') j += 1;
    while (/[0-9]/.test(a.charAt(i)) && /[0-9]/.test(b.charAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i += 1;
      j += 1;
    }
    if (/[0-9]/.test(a.charAt(i))) return 1;
    if (/[0-9]/.test(b.charAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon > 0 ? Number.parseInt(v.slice(0, colon), 10) || 0 : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash > 0
    ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
    : { epoch, upstream: rest, revision: '' };
}

/** Negative when a < b, 0 when equal, positive when a > b, as dpkg --compare-versions judges. */
export function compareDebVersions(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  const u = verrevcmp(x.upstream, y.upstream);
  return u !== 0 ? u : verrevcmp(x.revision, y.revision);
}
