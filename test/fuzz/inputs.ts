/**
 * Invalid inputs for the API fuzz suite, deterministic (a seeded generator) so a failure reproduces.
 * Values are JSON texts, not objects, so that what JSON.stringify cannot express (1e400, huge nesting,
 * raw lone surrogates as \u escapes) reaches the server as it would from a hostile client.
 */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const LIMIT_TEXT = 'x'.repeat(2_100);

/** JSON texts of values that are wrong for almost any field. */
export const BAD_VALUES: readonly string[] = [
  'null',
  'true',
  '-1',
  '0',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '1.5',
  '""',
  '"a\\u0000b"',
  '"\\ud800"',
  '"x\\udc00y"',
  `"${'d'.repeat(999)}\\ud83d\\udd12"`,
  `"${LIMIT_TEXT}"`,
  '"../../../etc/passwd"',
  '"\' or 1=1 --"',
  '"$(reboot)"',
  '[]',
  '[1,2,3]',
  '{}',
  '{"__proto__":{"admin":true}}',
  `${'['.repeat(2_000)}${']'.repeat(2_000)}`,
];

/** Whole request bodies that are wrong before any field is looked at. */
export const BAD_BODIES: readonly string[] = [
  '',
  'not json',
  '{',
  'null',
  '[]',
  '"text"',
  '1e400',
  `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
  `{"big":"${'y'.repeat(1_100_000)}"}`,
];

/** Path-parameter values: not ids, overlong, encoded NUL and broken UTF-8, traversal. */
export const BAD_IDS: readonly string[] = [
  'x',
  '0',
  '-1',
  '99999999999999999999999',
  '00000000-0000-0000-0000-00000000000g',
  '%00',
  '%ED%A0%80',
  '%F0%9F%94%92',
  '..%2F..%2Fetc',
  'a'.repeat(300),
];

/** Query values: empty, NUL, bad numbers and dates, junk cursors, long text. */
export const BAD_QUERY: readonly string[] = [
  '',
  'a%00b',
  '%ED%A0%80',
  '-1',
  '1e400',
  '99999999999999999999',
  'not-a-date',
  '!!!',
  'eyJub3QiOiJhIGN1cnNvciJ9',
  'z'.repeat(5_000),
];

/** Fields of an object schema with each bad value in turn; extra unknown fields too. */
export function bodiesFor(properties: readonly string[], rnd: () => number, perOperation: number): string[] {
  const out: string[] = [...BAD_BODIES, '{"unknown_field":1}'];
  for (let i = 0; i < perOperation; i++) {
    const parts = properties
      .filter(() => rnd() < 0.7)
      .map((p) => `${JSON.stringify(p)}:${BAD_VALUES[Math.floor(rnd() * BAD_VALUES.length)] ?? 'null'}`);
    out.push(`{${parts.join(',')}}`);
  }
  return out;
}
