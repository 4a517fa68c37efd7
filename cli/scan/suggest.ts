/** Levenshtein distance, stopping early once it exceeds `max` (ids are short; this is cheap). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, sub));
    }
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

/**
 * Up to `limit` known names close to `wanted`: containing it (or every `_`-separated word of it), or a
 * few edits away.
 */
export function closeMatches(wanted: string, known: readonly string[], limit = 5): string[] {
  const maxEdits = Math.max(2, Math.floor(wanted.length / 4));
  const words = wanted.split('_').filter((w) => w.length > 0);
  return known
    .map((k) => ({
      k,
      d: k.includes(wanted) || words.every((w) => k.includes(w)) ? 0 : distance(wanted, k, maxEdits),
    }))
    .filter((x) => x.d <= maxEdits)
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, limit)
    .map((x) => x.k);
}
