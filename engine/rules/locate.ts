import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/**
 * The line of the YAML node at `path`: the value when it exists, the key of a missing or unknown field's
 * parent pair otherwise, falling back to the nearest existing ancestor.
 */
export function lineOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[], preferKey = false): number {
  let node: unknown = doc.contents;
  let best = 1;
  const lineAt = (n: unknown): number | undefined => {
    const r = (n as Node | null)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  best = lineAt(node) ?? 1;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return best;
      if (last && preferKey) return lineAt(pair.key) ?? best;
      best = lineAt(pair.key) ?? best;
      node = pair.value;
      best = lineAt(node) ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return best;
      best = lineAt(node) ?? best;
    } else return best;
  }
  return best;
}
