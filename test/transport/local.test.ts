import { describe, expect, it } from 'vitest';
import { LocalTransport } from '../../engine/transport/local.ts';
import { TransportError } from '../../engine/transport/types.ts';

const local = new LocalTransport();

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('local transport', () => {
  it('runs through sh -c with separate streams, status and stdin', async () => {
    const r = await local.exec('read x; echo "got $x"; echo e >&2; exit 7', { stdin: 'hi\n' });
    expect(r).toMatchObject({ code: 7 });
    expect(r.stdout.toString()).toBe('got hi\n');
    expect(r.stderr.toString()).toBe('e\n');
  });

  it('keeps binary output and applies the byte cap', async () => {
    const r = await local.exec(`printf '\\377\\000\\200'`);
    expect([...r.stdout]).toEqual([0xff, 0x00, 0x80]);
    const capped = await local.exec('head -c 5000 /dev/zero', { maxOutputBytes: 10 });
    expect(capped.stdout.length).toBe(10);
    expect(capped.truncated).toBe(true);
  });

  it('reports a signal death with code null', async () => {
    const r = await local.exec('kill -TERM $$');
    expect(r.code).toBeNull();
    expect(r.signal).toBe('TERM');
  });

  it('times out and kills the whole process group', async () => {
    const started = Date.now();
    const err = await rejection(local.exec('sleep 5 | cat', { timeoutMs: 200 }));
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('aborts', async () => {
    const ac = new AbortController();
    const p = local.exec('sleep 5', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await rejection(p)).code).toBe('aborted');
  });
});
