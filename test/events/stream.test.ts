import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter } from '../../core/db/sql/events.ts';
import { emitEvents } from '../../core/events/emit.ts';
import type { NewEvent } from '../../core/events/kinds.ts';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedHost } from '../results/fixtures.ts';

const insecure = new Agent({ connect: { rejectUnauthorized: false } });

interface Frame {
  id: string;
  kind: string;
  host_id: string | null;
}

/** A minimal EventSource: reads `id:`/`data:` frames from a real HTTPS response until `want` arrived. */
async function readFrames(
  api: ApiTarget,
  token: string,
  want: number,
  o: { lastEventId?: string; query?: string } = {},
): Promise<{ frames: Frame[]; ids: string[]; retry: number | undefined }> {
  const controller = new AbortController();
  const res = await fetch(`${api.base}/api/v1/events/stream${o.query ?? ''}`, {
    dispatcher: insecure,
    signal: controller.signal,
    headers: {
      authorization: `Bearer ${token}`,
      ...(o.lastEventId ? { 'last-event-id': o.lastEventId } : {}),
    },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const frames: Frame[] = [];
  const ids: string[] = [];
  let retry: number | undefined;
  let buf = '';
  const decoder = new TextDecoder();
  const timeout = setTimeout(() => controller.abort(), 20_000);
  try {
    for await (const chunk of res.body ?? []) {
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) ids.push(line.slice(4));
          if (line.startsWith('data: ')) frames.push(JSON.parse(line.slice(6)) as Frame);
          if (line.startsWith('retry: ')) retry = Number(line.slice(7));
        }
      }
      if (frames.length >= want) break;
    }
  } finally {
    clearTimeout(timeout);
    // The client disconnects, as a browser tab closing would.
    controller.abort();
  }
  return { frames, ids, retry };
}

describe('live events: SSE on the Node server, resumable with Last-Event-ID, filtered by permission', () => {
  let t: TestDatabase;
  let api: ApiTarget;
  let host: string;
  const tokens: Record<string, string> = {};

  const emit = (events: NewEvent[]) => t.db.transaction((tx) => emitEvents(tx, events));
  const batch = (n: number, from: number): NewEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      kind: i % 2 === 0 ? 'scan.started' : 'credential.rotated',
      hostId: i % 2 === 0 ? host : null,
      data: { n: from + i },
    }));

  beforeAll(async () => {
    t = await createTestDatabase();
    host = await seedHost(t.db, 'stream-1');
    await seedUser(t.db, 'ops', ['admin']);
    await seedUser(t.db, 'watcher', ['viewer']);
    api = await startNodeServe({ dsn: t.dsn });
    for (const u of ['ops', 'watcher']) {
      const res = await api.fetch('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u, password: STRONG }),
      });
      tokens[u] = ((await res.json()) as { access_token: string }).access_token;
    }
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    await t?.drop();
  });

  it('a client that disconnects and reconnects with Last-Event-ID misses no event and sees none twice', async () => {
    const { rows } = await t.db.query<{ id: string }>('select coalesce(max(id), 0)::text as id from events');
    const start = rows[0]?.id ?? '0';
    await emit(batch(6, 0));
    const first = await readFrames(api, tokens.ops ?? '', 6, { query: `?after=${start}` });
    expect(first.retry).toBe(2000);
    // Written while the client is away, in several transactions.
    await emit(batch(3, 6));
    await emit(batch(3, 9));
    const lastSeen = first.ids.at(-1) ?? '';
    const resumed = readFrames(api, tokens.ops ?? '', 8, { lastEventId: lastSeen });
    // And two more while it is connected again (the live part of the stream).
    await new Promise((r) => setTimeout(r, 500));
    await emit(batch(2, 12));
    const second = await resumed;
    const all = (await eventsAfter(t.db, { after: start, limit: 100 })).map((e) => e.id);
    expect(all).toHaveLength(14);
    expect([...first.ids, ...second.ids]).toEqual(all);
    expect(second.frames.map((f) => f.id)).toEqual(second.ids);
  }, 60_000);

  it('sends only kinds the user may read; the polling endpoint answers the same', async () => {
    const { rows } = await t.db.query<{ id: string }>('select coalesce(max(id), 0)::text as id from events');
    const start = rows[0]?.id ?? '0';
    await emit(batch(4, 100));
    // viewer lacks credentials:read: only the two scan.started events.
    const seen = await readFrames(api, tokens.watcher ?? '', 2, { query: `?after=${start}` });
    expect(seen.frames.map((f) => f.kind)).toEqual(['scan.started', 'scan.started']);
    const polled = await api.fetch(`/api/v1/events?after=${start}`, {
      headers: { authorization: `Bearer ${tokens.watcher}` },
    });
    const body = (await polled.json()) as { items: Frame[]; next_after: string };
    expect(body.items.map((f) => f.id)).toEqual(seen.ids);
    expect(body.next_after).toBe(seen.ids.at(-1));
    const all = await api.fetch(`/api/v1/events?after=${start}&kind=credential.rotated`, {
      headers: { authorization: `Bearer ${tokens.ops}` },
    });
    expect(((await all.json()) as { items: Frame[] }).items.map((f) => f.kind)).toEqual([
      'credential.rotated',
      'credential.rotated',
    ]);
    const anonymous = await api.fetch('/api/v1/events/stream');
    expect(anonymous.status).toBe(401);
    const badId = await api.fetch('/api/v1/events/stream', {
      headers: { authorization: `Bearer ${tokens.ops}`, 'last-event-id': '1; drop table events' },
    });
    expect(badId.status).toBe(400);
  }, 60_000);
});
