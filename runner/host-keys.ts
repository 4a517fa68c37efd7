import { pinnedHostKey } from '../core/db/sql/host-keys.ts';
import { hostById } from '../core/db/sql/hosts.ts';
import type { Db } from '../core/db/types.ts';
import { checkHostKey } from '../core/fleet/host-keys.ts';
import type { Logger } from '../core/log.ts';
import { TransportError } from '../engine/transport/types.ts';
import type { HostKeyStore } from './scan-job.ts';

/**
 * Host-key trust for the runner, from the pinned keys in PostgreSQL: a pinned key is the only one
 * accepted; with none pinned, a `tofu` host's first key is accepted and pinned (checkHostKey records it,
 * serialised per host) before any command runs; anything else is refused and recorded as pending.
 */
export function dbHostKeyStore(db: Db, log: Logger): HostKeyStore {
  return {
    async policyFor(hostId) {
      const pinned = await pinnedHostKey(db, hostId);
      if (pinned) return { fingerprint: pinned.fingerprint };
      const host = await hostById(db, hostId);
      return host?.host_key_policy === 'tofu' ? { acceptNew: true } : {};
    },
    async verified(hostId, info) {
      if (info.status !== 'accepted_new') return;
      const decision = await checkHostKey(db, hostId, {
        keyType: info.keyType,
        fingerprint: info.fingerprint,
      });
      if (decision?.action !== 'pin_first_use' && decision?.action !== 'accept') {
        // Another runner pinned a different key meanwhile, or this key was rejected before.
        throw new TransportError(
          'host_key_mismatch',
          `host key ${info.fingerprint} is not trusted for this host`,
          {
            offered: info.fingerprint,
          },
        );
      }
      log.info('host key pinned on first use', { host_id: hostId, fingerprint: info.fingerprint });
    },
    async mismatched(hostId, offered, details) {
      await checkHostKey(db, hostId, { keyType: details.key_type ?? 'unknown', fingerprint: offered });
    },
  };
}
