import { globToRegExp, isGlob, shellGlob } from '../facts/glob.ts';
import { NAMED_BUNDLES, NAMED_FILES } from '../facts/keys.ts';
import { parseSshdConfigIncludes } from './includes.ts';
import { shellCommand, shq } from '../shell/quote.ts';
import { STAT_FORMAT } from '../parsers/stat.ts';
import { UNIT_PROPERTIES } from '../parsers/systemd.ts';
import { WALK_CAP } from './prologue.ts';
import { traversalBody } from './traversal.ts';

/** Batched sections whose output the splitter fans out to many fact keys. */
export const STAT_BATCH = '@stat';
export const SERVICE_BATCH = '@services';

export interface ScriptContext {
  caps: ReadonlySet<string>;
  /** Kernel release from the probe, for modules.dep. */
  kernel: string;
  /** Traversal starting points instead of every local mount. */
  walkRoots?: readonly string[];
}

/** Host-side redaction of /etc/shadow: the hash never leaves the host, only its kind and lock state. */
const SHADOW_AWK = `BEGIN{FS=":";OFS=":"} {h=$2; p=""; while (substr(h,1,1)=="!" || substr(h,1,1)=="*") {p=p substr(h,1,1); h=substr(h,2)} if (h=="") $2=p; else if (match(h, /^\\$[^$]+\\$/)) $2=p substr(h,1,RLENGTH); else $2=p "HASH"; print}`;

function commandFor(key: string, ctx: ScriptContext): string | undefined {
  switch (key) {
    case 'packages':
      if (ctx.caps.has('dpkg')) {
        return `_x packages ${shellCommand(['dpkg-query', '-W', '-f', '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n'])}`;
      }
      if (ctx.caps.has('rpm')) {
        return `_x packages ${shellCommand(['rpm', '-qa', '--qf', 'ii \\t%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'])}`;
      }
      return `_b packages; _e 127`;
    case 'shadow':
      return `_x shadow ${shellCommand(['awk', SHADOW_AWK, '/etc/shadow'])}`;
    case 'audit_rules_loaded':
      return `_x audit_rules_loaded auditctl -l`;
    case 'audit_status':
      return `_x audit_status auditctl -s`;
    case 'modules_available': {
      const dir = `/lib/modules/${ctx.kernel}`;
      return `_x modules_available ${shellCommand(['sed', 's/:.*//', `${dir}/modules.dep`, `${dir}/modules.builtin`])}`;
    }
    default:
      return undefined;
  }
}

function bundleLine(key: string, globs: readonly string[]): string {
  return `_l ${shq(key)} ${globs.map(shellGlob).join(' ')}`;
}

/**
 * The one collection script for a scan: a section per fact key, with stat and systemd lookups batched
 * into one process each. The order is fixed so the script for the same rules is byte-identical.
 */
export function buildCollectScript(
  keys: Iterable<string>,
  ctx: ScriptContext,
  withTraversal: boolean,
): string {
  const lines: string[] = [];
  const stats: string[] = [];
  const units: string[] = [];
  for (const key of [...new Set(keys)].sort()) {
    const colon = key.indexOf(':');
    const kind = colon === -1 ? key : key.slice(0, colon);
    const arg = colon === -1 ? '' : key.slice(colon + 1);
    if (kind === 'file') lines.push(`_f ${shq(key)} ${shq(arg)}`);
    else if (kind === 'files') lines.push(bundleLine(key, [arg]));
    else if (kind === 'stat') stats.push(arg);
    else if (kind === 'service') units.push(arg);
    else if (kind === 'sysctl') lines.push(`_s ${shq(key)} ${shq(`/proc/sys/${arg.replace(/\./g, '/')}`)}`);
    else if (key === 'sshd_t') lines.push(`_x sshd_t sshd -T`);
    else if (kind === 'sshd_t') lines.push(`_x ${shq(key)} sshd -T -C ${shq(arg)}`);
    else if (kind === 'command') lines.push(`_x ${shq(key)} ${shellCommand(JSON.parse(arg) as string[])}`);
    else if (key === 'sshd_config') lines.push(parseSshdConfigIncludes());
    else if (key in NAMED_BUNDLES) lines.push(bundleLine(key, NAMED_BUNDLES[key] ?? []));
    else if (key in NAMED_FILES) lines.push(`_f ${shq(key)} ${shq(NAMED_FILES[key] ?? '')}`);
    else if (key === 'fs_walk') continue;
    else {
      const cmd = commandFor(key, ctx);
      if (cmd === undefined) throw new Error(`no collector for fact key ${JSON.stringify(key)}`);
      lines.push(cmd);
    }
  }
  if (stats.length > 0) {
    const words = stats.map((s) => (isGlob(s) ? shellGlob(s) : shq(s)));
    lines.push(`_y ${STAT_BATCH} stat -L -c ${shq(STAT_FORMAT)} -- ${words.join(' ')}`);
  }
  if (units.length > 0) {
    lines.push(
      `_x ${SERVICE_BATCH} systemctl show -p ${UNIT_PROPERTIES.join(',')} -- ${units.map(shq).join(' ')}`,
    );
  }
  if (withTraversal) lines.push(traversalBody(WALK_CAP, ctx.walkRoots));
  return `${lines.join('\n')}\n`;
}

/**
 * A matcher telling which requested stat patterns a stat output path belongs to. Globs are compiled once
 * per scan, not once per output line (a scan stats ~1,000 paths against ~300 patterns).
 */
export function statOwners(patterns: readonly string[]): (path: string) => string[] {
  const exact = new Map<string, string[]>();
  const globs: Array<{ pattern: string; re: RegExp }> = [];
  for (const p of patterns) {
    if (isGlob(p)) globs.push({ pattern: p, re: globToRegExp(p) });
    else exact.set(p, [...(exact.get(p) ?? []), p]);
  }
  return (path) => [
    ...(exact.get(path) ?? []),
    ...globs.filter((g) => g.re.test(path)).map((g) => g.pattern),
  ];
}
