export const WALK_KINDS = ['ww_file', 'ww_dir_nosticky', 'unowned', 'ungrouped', 'suid', 'sgid'] as const;
export type WalkKind = (typeof WALK_KINDS)[number];

export interface WalkHit {
  kind: string;
  mode: string;
  user: string;
  group: string;
  path: string;
}

/** Parses `<kind>|<mode>|<user>|<group>|<path>` lines of the traversal. */
export function parseWalk(text: string): WalkHit[] {
  const out: WalkHit[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('|');
    if (f.length < 5) continue;
    out.push({
      kind: f[0] ?? '',
      mode: f[1] ?? '',
      user: f[2] ?? '',
      group: f[3] ?? '',
      path: f.slice(4).join('|'),
    });
  }
  return out;
}
