// Build step (run from dist/ by scripts/build.mjs): validates the bundled rule corpus and writes it as one
// JSON artifact. Any load error fails the build with every file:line:field named.
import { writeFileSync } from 'node:fs';
import { compileBundledRules } from '../core/node/bundled-rules.ts';
import { COMPILED_RULES_FILE } from '../core/node/paths.ts';
import { formatLoadErrors } from '../engine/index.ts';

const { text, errors, count } = await compileBundledRules();
if (errors.length > 0) {
  process.stderr.write(`${formatLoadErrors(errors)}\n`);
  process.exit(1);
}
writeFileSync(COMPILED_RULES_FILE, text);
process.stdout.write(`openwatch build: ${count} rules compiled into ${COMPILED_RULES_FILE}\n`);
