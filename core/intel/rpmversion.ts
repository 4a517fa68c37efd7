/**
 * RPM version comparison, as rpm's lib/rpmvercmp.c (`rpmvercmp`) and rpmio/rpmver.c (`rpmverCmp`) judge:
 * `[epoch:]version[-release]`. Each part is split into maximal alphabetic or numeric segments; everything
 * else (ASCII only) separates them and is otherwise ignored. `~` sorts before everything, even the end of
 * the string; `^` sorts after the end but before any further segment. A numeric segment is newer than an
 * alphabetic one; numbers compare without leading zeros, longer first; letters compare as bytes.
 */
const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isSegment = (c: string) => isDigit(c) || isAlpha(c) || c === '~' || c === '^';

/** One part (epoch, version or release): -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  // charAt past the end is '', which plays C's terminating NUL.
  while (i < a.length || j < b.length) {
    while (i < a.length && !isSegment(a.charAt(i))) i += 1;
    while (j < b.length && !isSegment(b.charAt(j))) j += 1;
    const x = a.charAt(i);
    const y = b.charAt(j);
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      i += 1;
      j += 1;
      continue;
    }
    if (x === '^' || y === '^') {
      if (x === '') return -1;
      if (y === '') return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      i += 1;
      j += 1;
      continue;
    }
    if (x === '' || y === '') break;
    const numeric = isDigit(x);
    const inSegment = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inSegment(a.charAt(ei))) ei += 1;
    while (ej < b.length && inSegment(b.charAt(ej))) ej += 1;
    // b has a segment of the other kind here: a number is newer than letters.
    if (ej === j) return numeric ? 1 : -1;
    let s = a.slice(i, ei);
    let t = b.slice(j, ej);
    if (numeric) {
      s = s.replace(/^0+/, '');
      t = t.replace(/^0+/, '');
      if (s.length !== t.length) return s.length > t.length ? 1 : -1;
    }
    if (s !== t) return s < t ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

interface Evr {
  epoch: string | null;
  version: string;
  release: string | null;
}

/** rpm's parseEVR: the epoch is the leading digits before a `:`, the release follows the last `-`. */
function parseEvr(evr: string): Evr {
  let s = 0;
  while (s < evr.length && isDigit(evr.charAt(s))) s += 1;
  const hasEpoch = evr.charAt(s) === ':';
  const rest = hasEpoch ? evr.slice(s + 1) : evr;
  const epoch = hasEpoch ? evr.slice(0, s) || '0' : null;
  const dash = rest.lastIndexOf('-');
  return dash >= 0
    ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) }
    : { epoch, version: rest, release: null };
}

/**
 * Negative when a < b, 0 when equal, positive when a > b, as rpm's `rpmverCmp` (what `rpm.vercmp` runs)
 * judges two EVR strings: a missing epoch is 0; a missing release sorts before any release.
 */
export function compareRpmVersions(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  return (
    rpmvercmp(x.epoch ?? '0', y.epoch ?? '0') ||
    rpmvercmp(x.version, y.version) ||
    (x.release === y.release
      ? 0
      : x.release === null
        ? -1
        : y.release === null
          ? 1
          : rpmvercmp(x.release, y.release))
  );
}
