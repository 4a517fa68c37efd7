import { z } from 'zod';
import { applyIntel } from '../core/intel/apply.ts';
import {
  parseGroups,
  parseInterfaces,
  parseMounts,
  parsePackages,
  parsePorts,
  parseRoutes,
  parseServices,
  parseUsers,
  type IntelItem,
  type IntelSection,
} from '../core/intel/sections.ts';
import type { Logger } from '../core/log.ts';
import { prologue } from '../engine/collect/prologue.ts';
import { decodeSection, type Section } from '../engine/facts/framing.ts';
import { runHostScript, type ConnectDeps } from './connect-host.ts';
import { PermanentJobError, type JobHandler } from './job-loop.ts';

const payloadSchema = z.object({ host_id: z.uuid() }).strict();
const CAP = 4 * 1024 * 1024;
const PERMANENT: ReadonlySet<string> = new Set([
  'host_key_mismatch',
  'host_key_unknown',
  'auth_failed',
  'sudo_refused',
]);

export interface IntelJobDeps extends ConnectDeps {
  log: Logger;
  timeoutMs: number;
}

/**
 * The collector's one round trip: every section in one script, no argument from input (nothing to
 * quote). Runs through sudo when the host says so: listening sockets' processes and password aging
 * need root. Only shadow's name and aging fields (1, 3–8) leave the host, never a hash.
 */
export function intelScript(nonce: string): string {
  return `${prologue(nonce, CAP)}_b packages
if command -v dpkg-query >/dev/null 2>&1; then dpkg-query -W -f '\${db:Status-Abbrev}\\t\${Package}\\t\${Version}\\t\${Architecture}\\n' 2>/dev/null | sed -n 's/^ii *\\t//p'; _e 0
elif command -v rpm >/dev/null 2>&1; then rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n' 2>/dev/null; _e 0
else _e 127; fi
_x unit_files systemctl list-unit-files --type=service --no-legend --no-pager
_x units_running systemctl list-units --type=service --state=running --no-legend --no-pager --plain
_x passwd getent passwd
_b shadow_aging; cut -d: -f1,3-8 /etc/shadow 2>/dev/null; _e $?
_x group getent group
_x ports ss -H -tulpn
_x interfaces ip -o addr show
_x routes ip route show
_x mounts cat /proc/self/mounts
_x kernel uname -r
_x uptime cat /proc/uptime
`;
}

/** Sections the host answered (exit 0); the others stay as stored. */
export function parseIntel(sections: readonly Section[]): {
  sections: Partial<Record<IntelSection, IntelItem[]>>;
  uptimeSeconds: number | null;
} {
  const text = (key: string): string | undefined => {
    const s = sections.find((x) => x.key === key);
    return s && s.rc === 0 && !decodeSection(s.body, CAP).truncated
      ? decodeSection(s.body, CAP).text
      : undefined;
  };
  const out: Partial<Record<IntelSection, IntelItem[]>> = {};
  const put = (section: IntelSection, items: IntelItem[] | undefined) => {
    if (items) out[section] = items;
  };
  const packages = text('packages');
  put('packages', packages === undefined ? undefined : parsePackages(packages));
  const units = text('unit_files');
  put('services', units === undefined ? undefined : parseServices(units, text('units_running') ?? ''));
  const passwd = text('passwd');
  put('users', passwd === undefined ? undefined : parseUsers(passwd, text('shadow_aging') ?? ''));
  const group = text('group');
  put('groups', group === undefined ? undefined : parseGroups(group));
  const ports = text('ports');
  put('ports', ports === undefined ? undefined : parsePorts(ports));
  const ifaces = text('interfaces');
  put('interfaces', ifaces === undefined ? undefined : parseInterfaces(ifaces));
  const routes = text('routes');
  put('routes', routes === undefined ? undefined : parseRoutes(routes));
  const mounts = text('mounts');
  put('mounts', mounts === undefined ? undefined : parseMounts(mounts));
  const kernel = text('kernel')?.trim();
  put('system', kernel ? [{ name: 'kernel', value: kernel }] : undefined);
  const uptime = Number.parseFloat(text('uptime')?.trim().split(/\s+/)[0] ?? '');
  return { sections: out, uptimeSeconds: Number.isFinite(uptime) && uptime >= 0 ? Math.floor(uptime) : null };
}

/** Runs one collection: connect, run the one script, store write-on-change (core/intel/apply.ts). */
export function intelJobHandler(deps: IntelJobDeps): JobHandler {
  return async (job, signal) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('malformed intel job payload');
    const hostId = parsed.data.host_id;
    const log = deps.log.child({ host_id: hostId, job_id: job.id });
    const sections = await runHostScript(deps, hostId, signal, {
      script: intelScript,
      plain: false,
      permanent: PERMANENT,
      onFailure: (message) => log.warn('intel collection failed', { error: message }),
    });
    const collected = parseIntel(sections);
    const outcome = await applyIntel(deps.db, hostId, { ...collected, at: new Date() });
    log.info('host intelligence collected', { changed: outcome.changed, events: outcome.events });
  };
}
