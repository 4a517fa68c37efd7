/** `npm run gen:profiles`: rewrites rules/profiles/*.yml from the rules' references and policy.yml. */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_RULES_DIR } from '../core/node/paths.ts';
import { expectedProfileFiles, generatedProfileFiles, PROFILES_SUBDIR } from '../engine/index.ts';

const dir = join(BUNDLED_RULES_DIR, PROFILES_SUBDIR);
const want = await expectedProfileFiles(BUNDLED_RULES_DIR, dir);
const have = await generatedProfileFiles(dir);
for (const name of have.keys()) if (!want.has(name)) await rm(join(dir, name));
for (const [name, text] of want) if (have.get(name) !== text) await writeFile(join(dir, name), text);
const changed = [...want].filter(([n, t]) => have.get(n) !== t).length;
const removed = [...have.keys()].filter((n) => !want.has(n)).length;
process.stdout.write(`${want.size} profiles: ${changed} written, ${removed} removed\n`);
