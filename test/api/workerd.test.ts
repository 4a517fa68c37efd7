import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { startWorkerd } from '../helpers/api-servers.ts';
import { apiSuite } from './suite.ts';

apiSuite('workerd (wrangler dev)', (dsn) => startWorkerd(dsn));

describe('workerd scheduled handler', () => {
  it('runs the shared scheduled code when the cron fires', async () => {
    const t = await createTestDatabase();
    const api = await startWorkerd(t.dsn, { assets: false });
    try {
      const res = await api.fetch('/cdn-cgi/handler/scheduled?cron=*+*+*+*+*');
      expect(res.status).toBe(200);
      await waitFor(
        async () => (api.output().includes('"msg":"scheduled tick"') ? true : undefined),
        10_000,
        'tick log',
      );
      expect(api.output()).toContain('"cron":"* * * * *"');
    } finally {
      await api.stop();
      await t.drop();
    }
  }, 90_000);
});
