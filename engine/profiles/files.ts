import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadRules } from '../rules/loader.ts';
import { formatLoadErrors } from '../rules/errors.ts';
import { GENERATED_HEADER, generateProfiles, PolicySchema, profileText } from './generate.ts';
import { POLICY_FILE, ProfileError } from './profile.ts';

/** What `rules/profiles/` should hold: file name → exact text, from the corpus and the policy. */
export async function expectedProfileFiles(
  rulesDir: string,
  profilesDir: string,
): Promise<Map<string, string>> {
  const { rules, errors } = await loadRules([rulesDir]);
  if (errors.length > 0) throw new ProfileError(`the rule corpus has errors:\n${formatLoadErrors(errors)}`);
  const raw: unknown = parse(await readFile(join(profilesDir, POLICY_FILE), 'utf8'));
  const policy = PolicySchema.safeParse(raw);
  if (!policy.success)
    throw new ProfileError(
      policy.error.issues.map((i) => `${POLICY_FILE}: ${i.path.join('.')}: ${i.message}`).join('\n'),
    );
  return new Map(generateProfiles(rules, policy.data).map((p) => [`${p.id}.yml`, profileText(p)]));
}

/** Generated files present now (by their header), so the generator can remove those it no longer makes. */
export async function generatedProfileFiles(profilesDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(profilesDir)).sort()) {
    if (!name.endsWith('.yml') || name === POLICY_FILE) continue;
    const text = await readFile(join(profilesDir, name), 'utf8');
    if (text.startsWith(GENERATED_HEADER)) out.set(name, text);
  }
  return out;
}
