import { z } from 'zod';
import { parseProcNet } from '../../parsers/proc-net.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';

export const listeningPort = defineMethod({
  name: 'listening_port',
  params: z.strictObject({
    port: z.number().int().min(0).max(65535),
    protocol: z.enum(['tcp', 'udp']).optional(),
    expect: z.enum(['absent', 'present']).optional(),
    address: z.enum(['any', 'loopback', 'non_loopback']).optional(),
  }),
  facts: () => ['listening'],
  evaluate(p, { read }) {
    const proto = p.protocol ?? 'tcp';
    const scope = p.address ?? 'any';
    const sockets = read
      .bundle('listening')
      .flatMap((f) => parseProcNet(f.path, f.text))
      .filter((s) => s.protocol === proto && s.port === p.port)
      .filter((s) => scope === 'any' || (scope === 'loopback' ? s.loopback : !s.loopback));
    const expect = p.expect ?? 'absent';
    const expected = `${proto}/${p.port}${scope === 'any' ? '' : ` on ${scope.replace('_', '-')} addresses`} ${expect === 'absent' ? 'not listening' : 'listening'}`;
    return outcome(expect === 'absent' ? sockets.length === 0 : sockets.length > 0, [
      {
        source: '/proc/net',
        observed: sockets.length > 0 ? sockets.map((s) => `${s.address}:${s.port}`).join(', ') : null,
        expected,
      },
    ]);
  },
});
