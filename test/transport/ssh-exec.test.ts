import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shq } from '../../engine/shell/quote.ts';
import { connectSsh, type SshTransport } from '../../engine/transport/ssh.ts';
import { TransportError } from '../../engine/transport/types.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

let lab: SshLab;
let host: SshdHost;
let t: SshTransport;

beforeAll(async () => {
  lab = await SshLab.create();
  host = await lab.startHost();
  t = await open(host);
});
afterAll(async () => {
  await t?.close();
  await lab?.cleanup();
});

function open(h: SshdHost, maxChannels?: number): Promise<SshTransport> {
  return connectSsh({
    host: h.address,
    port: h.port,
    username: lab.users.sudoNopasswd.name,
    privateKey: lab.keys.clientKey,
    hostKey: { fingerprint: h.hostKeyFingerprint },
    ...(maxChannels ? { maxChannels } : {}),
  });
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('ssh exec over one connection', () => {
  it('returns exit status, stdout and stderr separately', async () => {
    const r = await t.exec('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ code: 3 });
    expect(r.stdout.toString()).toBe('out\n');
    expect(r.stderr.toString()).toBe('err\n');
  });

  it('feeds stdin and closes it', async () => {
    const r = await t.exec('wc -c', { stdin: Buffer.from('hello\n') });
    expect(r.stdout.toString().trim()).toBe('6');
    const none = await t.exec('cat'); // would hang without EOF on stdin
    expect(none.stdout.length).toBe(0);
  });

  it('returns large output intact (8 MiB)', async () => {
    const r = await t.exec('head -c 8388608 /dev/zero | tr "\\0" "x"; echo end');
    expect(r.stdout.length).toBe(8 * 1024 * 1024 + 4);
    expect(r.stdout.subarray(-4).toString()).toBe('end\n');
  });

  it('returns binary, non-UTF-8 output byte for byte', async () => {
    const r = await t.exec(
      'printf "\\377\\376\\000\\200abc\\300"; head -c 65536 /dev/urandom > /tmp/.ow-bin-$$; cat /tmp/.ow-bin-$$; sha256sum < /tmp/.ow-bin-$$ >&2; rm -f /tmp/.ow-bin-$$',
    );
    expect([...r.stdout.subarray(0, 8)]).toEqual([0xff, 0xfe, 0x00, 0x80, 0x61, 0x62, 0x63, 0xc0]);
    const digest = createHash('sha256').update(r.stdout.subarray(8)).digest('hex');
    expect(r.stderr.toString()).toContain(digest);
  });

  it('caps collected output and says so', async () => {
    const r = await t.exec('head -c 100000 /dev/zero; echo done >&2', { maxOutputBytes: 1000 });
    expect(r.stdout.length).toBe(1000);
    expect(r.truncated).toBe(true);
    expect(r.stderr.toString()).toBe('done\n');
  });

  it('runs 40 concurrent commands on one connection through the channel limiter', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => t.exec(`sleep 0.05; echo ${i}`)));
    expect(results.map((r) => r.stdout.toString().trim())).toEqual(
      Array.from({ length: 40 }, (_, i) => String(i)),
    );
  });

  it('without the limiter the same burst overruns MaxSessions; with it a low MaxSessions is survived', async () => {
    const tight = await lab.startHost({ serverConfig: ['MaxSessions 2'] });
    const unlimited = await open(tight, 64);
    const noLimit = await Promise.allSettled(Array.from({ length: 12 }, () => unlimited.exec('sleep 0.2')));
    // Retries with a shrinking cap rescue the burst even when the cap was set far too high.
    expect(noLimit.every((r) => r.status === 'fulfilled')).toBe(true);
    await unlimited.close();
    expect(tight.log()).toMatch(/open failed|no more sessions/i);
    const limited = await open(tight, 2);
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => limited.exec(`echo ${i}`)));
    expect(rs.every((r) => r.code === 0)).toBe(true);
    await limited.close();
    await tight.stop();
  });

  it('times out a slow command, and the connection stays usable', async () => {
    const started = Date.now();
    const err = await rejection(t.exec('sleep 5', { timeoutMs: 300 }));
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await t.exec('echo still-here')).stdout.toString()).toBe('still-here\n');
  });

  it('aborts a running command through its AbortSignal', async () => {
    const marker = join(lab.dir, 'abort-marker');
    const ac = new AbortController();
    const p = t.exec(`sleep 1 && touch ${shq(marker)}`, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('scan cancelled')), 100);
    const err = await rejection(p);
    expect(err.code).toBe('aborted');
    expect(err.message).toContain('scan cancelled');
    await new Promise((r) => setTimeout(r, 1300));
    // The KILL signal request reached the process: the command after `sleep` never ran.
    expect(existsSync(marker)).toBe(false);
  });

  it('fails cleanly after close', async () => {
    const other = await open(host);
    await other.close();
    expect((await rejection(other.exec('true'))).code).toBe('channel_failed');
  });
});
