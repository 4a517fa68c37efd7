import { readFileSync } from 'node:fs';
import type { Config } from '../../core/config/schema.ts';
import type { DeliveryPolicy } from './address-guard.ts';

/** The runner's delivery policy from the `[notifications]` config section (the CA file read once). */
export function deliveryPolicy(c: Config['notifications']): DeliveryPolicy {
  return {
    allowPrivateNetworks: c.allow_private_networks,
    ca: c.ca_file === undefined ? [] : [readFileSync(c.ca_file, 'utf8')],
    consoleUrl: c.console_url ?? null,
  };
}
