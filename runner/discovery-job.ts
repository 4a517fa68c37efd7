import { z } from 'zod';
import type { DiscoveredFacts } from '../core/db/sql/discovery.ts';
import { recordDiscoveryWithEvents } from '../core/events/host-events.ts';
import type { Logger } from '../core/log.ts';
import { prologue } from '../engine/collect/prologue.ts';
import { decodeSection, type Section } from '../engine/facts/framing.ts';
import { platformFromOsRelease } from '../engine/platform/os-release.ts';
import { runHostScript, type ConnectDeps } from './connect-host.ts';
import { PermanentJobError, type JobHandler } from './job-loop.ts';

const payloadSchema = z.object({ host_id: z.uuid() }).strict();
const CAP = 64 * 1024;
/** Failures retrying cannot fix; the rest (unreachable, timeout …) are retried with the queue's backoff. */
const PERMANENT: ReadonlySet<string> = new Set(['host_key_mismatch', 'host_key_unknown', 'auth_failed']);

export interface DiscoveryJobDeps extends ConnectDeps {
  log: Logger;
  timeoutMs: number;
}

/**
 * The one round trip of discovery: os-release, kernel release, uptime and the installed package count
 * (dpkg or rpm). It needs no privilege, so it runs as the credential's user, never through sudo.
 */
export function discoveryScript(nonce: string): string {
  return `${prologue(nonce, CAP)}_b os_release; if [ -f /etc/os-release ]; then head -c "$C" /etc/os-release; else head -c "$C" /usr/lib/os-release; fi; _e $?
_x kernel uname -r
_x uptime cat /proc/uptime
_b packages
if command -v dpkg-query >/dev/null 2>&1; then dpkg-query -W -f '\${db:Status-Abbrev}\\n' 2>/dev/null | grep -c '^ii'; _e 0
elif command -v rpm >/dev/null 2>&1; then rpm -qa 2>/dev/null | wc -l; _e 0
else _e 127; fi
`;
}

/** Turns the script's sections into facts; a section that failed or is missing leaves its facts null. */
export function parseDiscovery(sections: readonly Section[]): DiscoveredFacts {
  const text = (key: string): string | undefined => {
    const s = sections.find((x) => x.key === key);
    return s && s.rc === 0 ? decodeSection(s.body, CAP).text : undefined;
  };
  const osRelease = text('os_release');
  const platform = osRelease === undefined ? undefined : platformFromOsRelease(osRelease);
  const kernel = text('kernel')?.trim();
  const uptime = Number.parseFloat(text('uptime')?.trim().split(/\s+/)[0] ?? '');
  const packages = text('packages')?.trim() ?? '';
  return {
    osFamily: platform && platform.family !== 'unknown' ? platform.family : null,
    osId: platform && platform.id !== 'unknown' ? platform.id : null,
    osVersion: platform?.version || null,
    osName: platform?.name ?? null,
    kernel: kernel || null,
    uptimeSeconds: Number.isFinite(uptime) && uptime >= 0 ? Math.floor(uptime) : null,
    packageCount: /^\d{1,9}$/.test(packages) ? Number(packages) : null,
  };
}

/** Runs one discovery job: connect, run the one script, store the facts on the host. */
export function discoveryJobHandler(deps: DiscoveryJobDeps): JobHandler {
  return async (job, signal) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('malformed discovery job payload');
    const hostId = parsed.data.host_id;
    const log = deps.log.child({ host_id: hostId, job_id: job.id });
    const sections = await runHostScript(deps, hostId, signal, {
      script: discoveryScript,
      plain: true,
      permanent: PERMANENT,
      onFailure: (message, permanent) =>
        log.warn('discovery failed', { error: message, final: permanent || job.attempts >= job.maxAttempts }),
    });
    const facts = parseDiscovery(sections);
    if (!(await recordDiscoveryWithEvents(deps.db, hostId, facts))) return;
    log.info('host discovered', { os_id: facts.osId, kernel: facts.kernel, packages: facts.packageCount });
  };
}
