import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { startWorkerd } from '../helpers/api-servers.ts';
import { apiSuite } from './suite.ts';

apiSuite('workerd (wrangler dev)', (dsn) => startWorkerd(dsn));

describe('workerd scheduled handler', () => {
  it('runs the shared scheduled code when the cron fires: due hosts get a scan', async () => {
    const t = await createTestDatabase();
    const api = await startWorkerd(t.dsn, { assets: false });
    try {
      const { rows } = await t.db.query<{ id: string }>(
        `insert into hosts (hostname, address) values ('never-scanned', '192.0.2.7') returning id`,
      );
      const res = await api.fetch('/cdn-cgi/handler/scheduled?cron=*+*+*+*+*');
      expect(res.status).toBe(200);
      await waitFor(
        async () => (api.output().includes('"msg":"scheduled tick"') ? true : undefined),
        10_000,
        'tick log',
      );
      expect(api.output()).toContain('"cron":"* * * * *"');
      // The scheduler ran in workerd: the host, never scanned, is due.
      const scan = await waitFor(
        async () =>
          (
            await t.db.query<{ status: string }>(
              `select status from scans where host_id = $1 and source = 'schedule'`,
              [rows[0]?.id],
            )
          ).rows[0],
        10_000,
        'scheduled scan',
      );
      expect(scan.status).toBe('queued');
    } finally {
      await api.stop();
      await t.drop();
    }
  }, 90_000);
});
