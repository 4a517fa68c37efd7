import { appendAuditEvents, type AuditActor } from '../../core/audit/append.ts';
import { insertHost, type HostRow } from '../../core/db/sql/hosts.ts';
import { SQLSTATE, sqlState, type Db } from '../../core/db/types.ts';
import { ApiError } from '../http/errors.ts';
import type { NewHost } from './host-views.ts';

export const hostExists = (): ApiError =>
  new ApiError(409, 'host_exists', 'a host with that hostname exists in that environment');
export const unknownCredential = (): ApiError =>
  new ApiError(422, 'unknown_credential', 'credential_id names no credential');

/** Maps the constraint errors a host write can meet to our errors; anything else is rethrown. */
export function hostWriteError(err: unknown): ApiError {
  const state = sqlState(err);
  if (state === SQLSTATE.uniqueViolation) return hostExists();
  if (state === SQLSTATE.foreignKeyViolation) return unknownCredential();
  throw err;
}

/** Registers one host with its audit event, in one transaction. */
export async function createHost(
  db: Db,
  h: NewHost,
  audit: { actor: AuditActor; ip: string; source: 'api' | 'import' },
): Promise<HostRow> {
  try {
    return await db.transaction(async (tx) => {
      const host = await insertHost(tx, {
        hostname: h.hostname,
        environment: h.environment,
        address: h.address ?? h.hostname,
        port: h.port,
        tags: h.tags,
        description: h.description,
        credentialId: h.credential_id,
        useSudo: h.use_sudo,
        hostKeyPolicy: h.host_key_policy,
        maintenance: h.maintenance,
      });
      await appendAuditEvents(tx, [
        {
          code: 'host.created',
          actor: audit.actor,
          target: { type: 'host', id: host.id },
          ip: audit.ip,
          details: {
            hostname: host.hostname,
            environment: host.environment,
            address: host.address,
            source: audit.source,
          },
        },
      ]);
      return host;
    });
  } catch (err) {
    throw hostWriteError(err);
  }
}
