import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../core/log.ts';

describe('logger redaction', () => {
  it('masks secret-looking fields, URL passwords and bearer tokens at any depth', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) });
    log.info('connecting to postgres://app:hunter2@db/x', {
      password: 'p1',
      nested: { api_token: 't1', note: 'Authorization: Bearer abc.def.ghi' },
      list: [{ sudo_password: 'p2' }],
      ok: 'visible',
    });
    const line = lines[0] ?? '';
    for (const secret of ['hunter2', 'p1', 't1', 'abc.def.ghi', 'p2']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', ok: 'visible', password: 'REDACTED' });
  });

  it('redacts text under secret names, not counts, flags or identifiers', () => {
    expect(
      redact({
        api_tokens_revoked: 3,
        credential_id: '6f1c1b9e-0000-4000-8000-000000000001',
        token_ids: ['a', 'b'],
        mfa_secret_set: true,
        credentials: { sudo: 'p3', rotated: 2 },
        tokens: ['owk_raw'],
      }),
    ).toEqual({
      api_tokens_revoked: 3,
      credential_id: '6f1c1b9e-0000-4000-8000-000000000001',
      token_ids: ['a', 'b'],
      mfa_secret_set: true,
      credentials: { sudo: 'REDACTED', rotated: 2 },
      tokens: ['REDACTED'],
    });
  });

  it('drops records below the configured level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', format: 'text', write: (l) => lines.push(l) });
    log.info('hidden');
    log.warn('shown', { a: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN {2}shown a=1$/);
  });

  it('keeps error messages but not stacks', () => {
    expect(redact(new Error('bad postgres://u:pw@h/db'))).toEqual({
      name: 'Error',
      message: 'bad postgres://u:REDACTED@h/db',
    });
  });
});
