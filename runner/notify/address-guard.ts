import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** Where notification channels may connect: the operator's `[notifications]` settings. */
export interface DeliveryPolicy {
  /** Allow loopback, private, link-local and other non-public destinations (off by default: SSRF). */
  allowPrivateNetworks: boolean;
  /** Extra PEM CA certificates trusted for webhook, Slack and SMTP TLS (internal CAs). */
  ca: string[];
  /** The console's public URL: links in messages are made absolute with it. */
  consoleUrl?: string | null;
}

/** A destination refused by the policy: permanent, retrying cannot help. */
export class DeliveryRefused extends Error {
  override name = 'DeliveryRefused';
}

// IANA special-purpose registries (RFC 6890 and successors): nothing here is a public destination.
const NON_PUBLIC = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(net6, bits, 'ipv6');

/**
 * Whether an IP literal is a public unicast address. BlockList matches IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`) against the IPv4 ranges.
 */
export function isPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return false;
  return !NON_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Resolves a host name (or takes an IP literal) and returns the address to connect to, refusing
 * non-public ones unless the policy allows them. Callers connect to the returned address, not the
 * name, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
 */
export async function resolveDestination(
  host: string,
  policy: DeliveryPolicy,
): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const literal = net.isIP(bare);
  const answers = literal
    ? [{ address: bare, family: literal }]
    : await lookup(bare, { all: true, verbatim: true }).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot resolve ${bare}: ${err.code ?? err.message}`);
      });
  if (answers.length === 0) throw new Error(`cannot resolve ${bare}: no addresses`);
  if (!policy.allowPrivateNetworks) {
    const refused = answers.find((a) => !isPublicAddress(a.address));
    if (refused)
      throw new DeliveryRefused(
        `${literal ? bare : `${bare} resolves to ${refused.address}, which`} is a non-public address; ` +
          'an operator may allow private networks with notifications.allow_private_networks',
      );
  }
  const first = answers[0];
  if (!first) throw new Error(`cannot resolve ${bare}: no addresses`);
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
