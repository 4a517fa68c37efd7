/**
 * Text that PostgreSQL and JSON cannot take as it is: NUL (text and jsonb refuse U+0000) and UTF-16
 * surrogates without their other half (jsonb refuses the `\ud800` escape JSON.stringify writes for one).
 */
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Why `s` cannot be stored as text, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (s.includes(NUL)) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (it contains an unpaired UTF-16 surrogate)';
  return undefined;
}

/** `s` made storable: NULs dropped, unpaired surrogates replaced by U+FFFD. For text we record, not accept. */
export function storableText(s: string): string {
  return s.replaceAll(NUL, '').replace(LONE_SURROGATES, '\uFFFD');
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The first `max` code points of `s`: a cut never splits a surrogate pair. */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  let i = 0;
  for (let n = 0; n < max && i < s.length; n++)
    i += isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
  return s.slice(0, i);
}
