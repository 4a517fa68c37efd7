import type { Status } from '../types.ts';
import type { BoundLeaf, LeafContext } from './method.ts';
import type { Outcome } from './outcome.ts';

export type BoundNode =
  { leaf: BoundLeaf } | { all: BoundNode[] } | { any: BoundNode[] } | { not: BoundNode };

/** Picks the combined status by precedence, ignoring not_applicable children unless all are. */
function combine(children: Outcome[], order: Status[]): Outcome {
  const evidence = children.flatMap((c) => c.evidence);
  const relevant = children.filter((c) => c.status !== 'not_applicable');
  if (relevant.length === 0)
    return { status: 'not_applicable', reason: children[0]?.reason ?? 'dependency', evidence };
  for (const s of order) {
    const hit = relevant.find((c) => c.status === s);
    if (hit) return { status: s, ...(hit.reason !== undefined ? { reason: hit.reason } : {}), evidence };
  }
  return { status: 'error', reason: 'empty combination', evidence };
}

/** Kleene three-valued logic: a definite fail decides `all`, a definite pass decides `any`. */
export function evalTree(node: BoundNode, ctx: LeafContext): Outcome {
  if ('leaf' in node) return node.leaf.evaluate(ctx);
  if ('all' in node)
    return combine(
      node.all.map((n) => evalTree(n, ctx)),
      ['fail', 'error', 'not_assessable', 'pass'],
    );
  if ('any' in node)
    return combine(
      node.any.map((n) => evalTree(n, ctx)),
      ['pass', 'error', 'not_assessable', 'fail'],
    );
  const inner = evalTree(node.not, ctx);
  const evidence = inner.evidence.map((e) => ({ ...e, expected: `not (${e.expected})` }));
  if (inner.status === 'pass') return { ...inner, status: 'fail', evidence };
  if (inner.status === 'fail') return { ...inner, status: 'pass', evidence };
  return { ...inner, evidence };
}

export function treeFacts(node: BoundNode): string[] {
  if ('leaf' in node) return node.leaf.facts;
  if ('all' in node) return node.all.flatMap(treeFacts);
  if ('any' in node) return node.any.flatMap(treeFacts);
  return treeFacts(node.not);
}
