import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringOption, UsageError, type CommandContext } from '../command.ts';
import type { Profile, Rule } from '../../engine/index.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { engine } from './options.ts';

/**
 * `--profile ID` and/or `--tailoring FILE` (which names the profile it extends): the rules and variables
 * to scan with, or undefined when neither is given. A profile naming a rule the corpus lacks is an
 * error, never a silently smaller scan.
 */
export async function profileSelection(
  ctx: CommandContext,
  rules: readonly Rule[],
): Promise<Profile | undefined> {
  const id = stringOption(ctx, 'profile');
  const file = stringOption(ctx, 'tailoring');
  if (id === undefined && file === undefined) return undefined;
  const e = await engine();
  const all = await e.loadProfiles(join(BUNDLED_RULES_DIR, e.PROFILES_SUBDIR));
  let tailoring;
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --tailoring ${file}: ${(err as Error).message}`);
    }
    try {
      tailoring = e.parseProfileText(e.TailoringSchema, file, text);
    } catch (err) {
      if (err instanceof e.ProfileError) throw new UsageError(err.message);
      throw err;
    }
    if (id !== undefined && id !== tailoring.extends)
      throw new UsageError(`--tailoring ${file} extends ${tailoring.extends}, but --profile is ${id}`);
  }
  const baseId = tailoring?.extends ?? id ?? '';
  const base = all.find((p) => p.id === baseId);
  if (!base)
    throw new UsageError(`unknown profile '${baseId}'; profiles: ${all.map((p) => p.id).join(', ')}`);
  const profile = tailoring ? e.applyTailoring(base, tailoring) : base;
  const known = new Set(rules.map((r) => r.id));
  const missing = profile.rules.filter((r) => !known.has(r));
  if (missing.length > 0)
    throw new UsageError(
      `profile ${profile.id} names rules that are not in the corpus: ${missing.join(', ')}`,
    );
  return profile;
}
