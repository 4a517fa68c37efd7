import { ruleIdsCiting, unknownRuleIds } from '../db/sql/rule-catalog.ts';
import type { Queryable } from '../db/types.ts';
import { FRAMEWORKS } from '../results/frameworks.ts';

/** A scan request's rule choice, refused before anything is queued when it names what does not exist. */
export class RuleSelectionError extends Error {
  override name = 'RuleSelectionError';
  constructor(
    readonly code: 'unknown_rule' | 'unknown_framework' | 'no_matching_rule',
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The rule ids a requested scan covers: null for the whole corpus, else the given ids narrowed to the
 * framework's rules. Checked against the rule catalog, so a typo is an error now rather than a scan that
 * completes with no results.
 */
export async function resolveRuleSelection(
  q: Queryable,
  req: { ruleIds?: readonly string[] | undefined; framework?: string | undefined },
): Promise<string[] | null> {
  const ids = req.ruleIds ? [...new Set(req.ruleIds)] : null;
  if (ids) {
    const unknown = await unknownRuleIds(q, ids);
    if (unknown.length > 0)
      throw new RuleSelectionError(
        'unknown_rule',
        `no rule with the id ${unknown.join(', ')}: GET /api/v1/rules lists the rule ids`,
        { unknown_rule_ids: unknown },
      );
  }
  if (req.framework === undefined) return ids;
  if (!(FRAMEWORKS as readonly string[]).includes(req.framework))
    throw new RuleSelectionError(
      'unknown_framework',
      `no framework named ${req.framework}: use one of ${FRAMEWORKS.join(', ')}`,
      { framework: req.framework, valid_frameworks: [...FRAMEWORKS] },
    );
  const selected = await ruleIdsCiting(q, req.framework, ids);
  if (selected.length === 0)
    throw new RuleSelectionError('no_matching_rule', `no requested rule cites ${req.framework}`, {
      framework: req.framework,
      ...(ids ? { rule_ids: ids } : {}),
    });
  return selected;
}
