import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import type { AuditActor } from '../core/audit/append.ts';
import type { JobKey } from '../core/crypto/job-signing.ts';
import type { Db } from '../core/db/types.ts';
import { SYSTEM_ACTOR } from '../core/fleet/host-keys.ts';
import { registerLocalHost } from '../core/fleet/local-host.ts';
import { mintSetupToken, setupUrl } from '../core/identity/setup-token.ts';
import type { Logger } from '../core/log.ts';

/**
 * Mints a setup token when no administrator exists and prints the one line with its link. Returns
 * whether a link was printed. The token appears nowhere else: not in logs, not in the database.
 */
export async function printSetupLink(
  db: Db,
  o: { listen: string; developmentMode: boolean; actor: AuditActor; out: Writable },
): Promise<boolean> {
  const minted = await mintSetupToken(db, o.actor);
  if (!minted) return false;
  const url = setupUrl(o.listen, minted.token, { dev: o.developmentMode, hostname: hostname() });
  o.out.write(`First-run setup: ${url}\n`);
  return true;
}

/**
 * What a fresh install needs to be useful: the one-time setup link while no administrator exists, and in
 * development mode this machine as a host with its first scan queued. Failures are logged, not fatal:
 * the server is still worth running without them.
 */
export async function firstRun(
  db: Db,
  log: Logger,
  o: { listen: string; developmentMode: boolean; jobKey: () => Promise<JobKey>; out: Writable },
): Promise<void> {
  try {
    await printSetupLink(db, {
      listen: o.listen,
      developmentMode: o.developmentMode,
      actor: SYSTEM_ACTOR,
      out: o.out,
    });
  } catch (err) {
    log.error('could not mint a setup link; run openwatch setup-link', { err });
  }
  if (!o.developmentMode) return;
  try {
    const local = await registerLocalHost(db, await o.jobKey());
    if (local)
      log.info('registered this machine as a host; its first scan is queued', {
        host_id: local.hostId,
        scan_id: local.scanId,
      });
  } catch (err) {
    log.error('could not register this machine as a host', { err });
  }
}
