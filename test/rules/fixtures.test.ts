import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../engine/rules/loader.ts';
import { formatLoadErrors } from '../../engine/rules/errors.ts';
import { evaluateFixture, parseFixtureFile, type FixtureFile } from '../../engine/fixture.ts';

const RULES_DIR = join(import.meta.dirname, '../../rules');
const FIXTURES_DIR = join(import.meta.dirname, 'fixtures');

const { rules, errors } = await loadRules([RULES_DIR]);
const fixtureFiles = new Map<string, FixtureFile>(
  readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f.replace(/\.yml$/, ''), parseFixtureFile(readFileSync(join(FIXTURES_DIR, f), 'utf8'))]),
);

describe('rule corpus', () => {
  it('loads without errors', () => {
    expect(formatLoadErrors(errors)).toBe('');
  });

  it('every rule has a fixture file with a pass and a fail case', () => {
    const missing = rules
      .filter((r) => {
        const cases = fixtureFiles.get(r.id)?.cases ?? [];
        return !cases.some((c) => c.expect === 'pass') || !cases.some((c) => c.expect === 'fail');
      })
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('every fixture file belongs to a rule', () => {
    const ids = new Set(rules.map((r) => r.id));
    expect([...fixtureFiles.keys()].filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe.each(rules.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  const cases = fixtureFiles.get(id)?.cases ?? [];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = evaluateFixture(rule, c, rules);
    const detail = JSON.stringify({ status: result.status, reason: result.reason, evidence: result.evidence }, null, 2);
    expect(result.status, detail).toBe(c.expect);
    if (c.reason) expect(result.reason, detail).toBe(c.reason);
    expect(result.evidence.length, 'every verdict carries evidence').toBeGreaterThan(0);
  });
});
