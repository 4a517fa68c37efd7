/**
 * The condition that keeps a verdict of `x` (host_id, rule_id) inside its host's effective profile: every
 * verdict when the host has none. Posture scores read it, so a host is scored against its profile.
 *
 * Written so PostgreSQL evaluates the view once per statement, not once per verdict: an uncorrelated
 * host → profile map (one InitPlan: the map is named once, as a host without a profile makes the key
 * null and `coalesce(… in …, true)` keeps its verdict; the set holds '' so it is never empty, as
 * `null in (empty)` is false) and a hashed set of "profile rule" keys. Measured on 2,000 hosts ×
 * 528 rules (1.06 M verdicts): a per-verdict subquery on the view took 87 s, this 1.4 s, the unfiltered
 * count 0.3 s (docs/profiles.md, "Cost").
 */
const PROFILE_OF_HOST = `((select jsonb_object_agg(e.host_id::text, e.profile_id) from host_effective_profiles e
      where e.profile_id is not null) ->> x.host_id::text)`;
export const IN_EFFECTIVE_PROFILE = `coalesce(${PROFILE_OF_HOST} || ' ' || x.rule_id
    in (select p.id || ' ' || r from profiles p cross join unnest(p.rules) r union all select ''), true)`;
