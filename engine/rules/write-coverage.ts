/** Regenerates docs/coverage.md: `npm run gen:coverage`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBenchmarks, renderCoverage } from './coverage.ts';
import { loadRules } from './loader.ts';

const rulesDir = join(import.meta.dirname, '../../rules');
const { rules, errors } = await loadRules([rulesDir]);
if (errors.length > 0) throw new Error(`the rule corpus does not load: ${errors.length} errors`);
const target = join(import.meta.dirname, '../../docs/coverage.md');
writeFileSync(target, renderCoverage(rules, loadBenchmarks(rulesDir)));
process.stdout.write(`wrote ${target}\n`);
