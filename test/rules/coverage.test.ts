import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBenchmarks, renderCoverage } from '../../engine/rules/coverage.ts';
import { loadRules } from '../../engine/rules/loader.ts';

const RULES_DIR = join(import.meta.dirname, '../../rules');
const { rules } = await loadRules([RULES_DIR]);
const benchmarks = loadBenchmarks(RULES_DIR);

describe('docs/coverage.md', () => {
  it('is what npm run gen:coverage writes for the current corpus', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '../../docs/coverage.md'), 'utf8');
    expect(onDisk).toBe(renderCoverage(rules, benchmarks));
  });

  it('counts a control as covered exactly when a rule references it', () => {
    const deb = benchmarks.find((b) => b.reference_key === 'debian12');
    expect(deb?.controls.length).toBeGreaterThan(300);
    const referenced = new Set(rules.flatMap((r) => r.references.cis?.debian12 ?? []));
    const covered = deb?.controls.filter((c) => referenced.has(c.id)).length ?? 0;
    const row = renderCoverage(rules, benchmarks)
      .split('\n')
      .find((l) => l.startsWith(`| ${deb?.benchmark} |`));
    expect(row).toContain(`| ${covered} |`);
    expect(covered).toBeGreaterThan(0);
  });

  it('the benchmark lists are not loaded as rules', () => {
    expect(rules.some((r) => r.category === 'benchmarks')).toBe(false);
  });
});
