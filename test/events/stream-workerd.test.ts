import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitEvents } from '../../core/events/emit.ts';
import { startWorkerd, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** The frames of a complete (ended) SSE response. */
function frames(text: string): { ids: string[]; kinds: string[]; retry: string | undefined } {
  const lines = text.split('\n');
  return {
    ids: lines.filter((l) => l.startsWith('id: ')).map((l) => l.slice(4)),
    kinds: lines
      .filter((l) => l.startsWith('data: '))
      .map((l) => (JSON.parse(l.slice(6)) as { kind: string }).kind),
    retry: lines.find((l) => l.startsWith('retry: '))?.slice(7),
  };
}

describe('live events on workerd: the stream sends the backlog and ends; EventSource resumes with Last-Event-ID', () => {
  let t: TestDatabase;
  let api: ApiTarget;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedUser(t.db, 'ops', ['admin']);
    api = await startWorkerd(t.dsn, { assets: false });
    const res = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops', password: STRONG }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await t?.drop();
  });

  it('answers the events after the given id, ends, and resumes after Last-Event-ID', async () => {
    const emit = (n: number) =>
      t.db.transaction((tx) =>
        emitEvents(
          tx,
          Array.from({ length: n }, (_, i) => ({ kind: 'credential.rotated' as const, data: { i } })),
        ),
      );
    await emit(3);
    const stream = (headers: Record<string, string>, query = '') =>
      api.fetch(`/api/v1/events/stream${query}`, {
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
    const first = await stream({}, '?after=0');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const a = frames(await first.text());
    expect(a.retry).toBe('2000');
    expect(a.kinds).toEqual(['credential.rotated', 'credential.rotated', 'credential.rotated']);
    await emit(2);
    const b = frames(await (await stream({ 'last-event-id': a.ids.at(-1) ?? '' })).text());
    const { rows } = await t.db.query<{ id: string }>('select id::text as id from events order by events.id');
    expect([...a.ids, ...b.ids]).toEqual(rows.map((r) => r.id));
  }, 60_000);
});
