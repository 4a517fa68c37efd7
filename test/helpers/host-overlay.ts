import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { shq } from '../../engine/shell/quote.ts';

/**
 * Files the host sees that this machine does not have, by absolute path: content, a symlink, or null for
 * "hidden" (an overlay whiteout). Each top-level directory touched (`/etc`, `/usr` …) gets an overlayfs
 * inside the host's private mount namespace, with its writable layer on a tmpfs of its own, so files can be
 * added where no directory exists yet (`/etc/audit/rules.d`) and the machine's real files never change.
 */
export type OverlayFiles = Record<string, string | { link: string } | null>;

/** The commands that lay `files` over their top-level directories (see OverlayFiles). */
export function overlaySetup(root: string, files: OverlayFiles | undefined): string[] {
  const byTop = new Map<string, Array<[string, OverlayFiles[string]]>>();
  for (const [path, content] of Object.entries(files ?? {})) {
    const top = `/${path.split('/')[1] ?? ''}`;
    if (top === '/' || !path.startsWith('/')) throw new Error(`overlay path must be absolute: ${path}`);
    byTop.set(top, [...(byTop.get(top) ?? []), [path.slice(top.length + 1), content]]);
  }
  const cmds: string[] = [];
  for (const [top, entries] of byTop) {
    const base = join(root, `overlay${top.replace(/\//g, '-')}`);
    mkdirSync(base, { recursive: true });
    const upper = join(base, 'upper');
    cmds.push(`mount -t tmpfs tmpfs ${shq(base)}`, `mkdir -p ${shq(upper)} ${shq(join(base, 'work'))}`);
    for (const [rel, content] of entries) {
      const dst = join(upper, rel);
      cmds.push(`mkdir -p ${shq(dirname(dst))}`);
      if (content === null) cmds.push(`mknod ${shq(dst)} c 0 0`);
      else if (typeof content === 'object') cmds.push(`ln -s ${shq(content.link)} ${shq(dst)}`);
      else cmds.push(`printf '%s' ${shq(content)} > ${shq(dst)}`);
    }
    cmds.push(
      `mount -t overlay overlay -o ${shq(`lowerdir=${top},upperdir=${upper},workdir=${join(base, 'work')}`)} ${shq(top)}`,
    );
  }
  return cmds;
}
