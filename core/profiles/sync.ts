import type { Profile } from '../../engine/index.ts';
import { profileVersions, replaceProfiles, type ProfileEntry } from '../db/sql/profiles.ts';
import type { Db } from '../db/types.ts';

/** "CIS Debian Linux 12 Benchmark, Level 1 Server" → "CIS Debian Linux 12 Benchmark": the level is the profile. */
export function benchmarkOf(title: string): string {
  return title.replace(/, Level \d (Server|Workstation)$/, '');
}

export function profileEntry(p: Profile): ProfileEntry {
  return {
    id: p.id,
    title: p.title,
    benchmark: benchmarkOf(p.title),
    description: p.description,
    default_for: p.default_for,
    variables: p.variables,
    rules: p.rules,
  };
}

/**
 * Makes `profiles` hold exactly `profiles` at `corpusVersion` (the rule corpus's version: the profile
 * files live in it), in one transaction; skipped when the stored profiles are already at that version.
 * Returns whether anything was written.
 */
export async function syncProfiles(
  db: Db,
  profiles: readonly Profile[],
  corpusVersion: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtextextended('openwatch.profiles', 0))`);
    const versions = await profileVersions(tx);
    if (versions.length === 1 && versions[0] === corpusVersion) return false;
    await replaceProfiles(tx, profiles.map(profileEntry), corpusVersion);
    return true;
  });
}
