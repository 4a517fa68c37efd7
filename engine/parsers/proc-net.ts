export interface ListeningSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  loopback: boolean;
}

function hexIpv4(h: string): string {
  // /proc/net stores IPv4 as a little-endian 32-bit word.
  const b = [6, 4, 2, 0].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
  return b.join('.');
}

function hexIpv6(h: string): string {
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    const chunk = h.slice(w * 8, w * 8 + 8);
    const le = [6, 4, 2, 0].map((i) => chunk.slice(i, i + 2)).join('');
    words.push(le.slice(0, 4), le.slice(4, 8));
  }
  return words.map((x) => x.replace(/^0+(?=.)/, '').toLowerCase()).join(':');
}

/** Listening sockets from /proc/net/{tcp,tcp6,udp,udp6}: TCP state 0A (LISTEN), UDP state 07 (unconnected). */
export function parseProcNet(path: string, text: string): ListeningSocket[] {
  const protocol = path.includes('udp') ? 'udp' : 'tcp';
  const v6 = path.endsWith('6');
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    const state = f[3];
    if (!local || !state) continue;
    if (protocol === 'tcp' ? state !== '0A' : state !== '07') continue;
    const [addrHex = '', portHex = ''] = local.split(':');
    const address = v6 ? hexIpv6(addrHex) : hexIpv4(addrHex);
    const loopback = v6
      ? address === '0:0:0:0:0:0:0:1' || address.startsWith('0:0:0:0:0:ffff:7f')
      : address.startsWith('127.');
    out.push({ protocol, address, port: Number.parseInt(portHex, 16), loopback });
  }
  return out;
}
