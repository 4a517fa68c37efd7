import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENTS } from '../../core/audit/events.ts';
import { isPermission, PERMISSION_NAMES } from '../../core/rbac/permissions.ts';
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES } from '../../core/rbac/roles.ts';
import { permissionsMarkdown } from '../../functions/permissions-doc.ts';
import { routes } from '../../functions/routes/index.ts';
import { ROOT } from '../helpers/cli.ts';

/** Routes anyone may call. Adding one here is a security decision: it needs a reason. */
const PUBLIC_ROUTES = [
  'GET /api/v1/health',
  'GET /api/v1/version',
  'GET /health/live',
  'GET /health/ready',
  'GET /api/v1/openapi.json', // describes the API, holds no data
  'POST /api/v1/auth/login', // rate-limited, lockout
  'POST /api/v1/auth/refresh', // authenticated by the refresh token itself
  'GET /api/v1/setup', // says only whether an administrator exists
  'POST /api/v1/setup', // authenticated by the one-time setup token; rate-limited
];

describe('route permission declarations', () => {
  it('every route declares a known permission, `authenticated`, or is an allow-listed public route', () => {
    const problems: string[] = [];
    for (const r of routes) {
      const id = `${r.method} ${r.path}`;
      const p = r.permission as string | undefined;
      if (p === undefined || p === '') problems.push(`${id}: no permission declared`);
      else if (p === 'public') {
        if (!PUBLIC_ROUTES.includes(id)) problems.push(`${id}: public but not in the allow-list`);
      } else if (p !== 'authenticated' && !isPermission(p)) problems.push(`${id}: unknown permission ${p}`);
    }
    expect(problems).toEqual([]);
    expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
  });

  it('only names real permissions in built-in roles, and admin holds them all', () => {
    for (const r of BUILTIN_ROLE_NAMES)
      for (const p of BUILTIN_ROLES[r].permissions) expect(isPermission(p)).toBe(true);
    expect([...BUILTIN_ROLES.admin.permissions].sort()).toEqual([...PERMISSION_NAMES].sort());
    for (const p of PERMISSION_NAMES) expect(p).toMatch(/^[a-z_]+:[a-z_]+$/);
  });

  it('docs/permissions.md is generated from the registry, roles and routes', () => {
    const file = `${ROOT}docs/permissions.md`;
    const want = permissionsMarkdown(routes);
    if (process.env.UPDATE_DOCS === '1') writeFileSync(file, want);
    expect(readFileSync(file, 'utf8')).toBe(want);
  });

  it('documents every audit event code in docs/identity.md', () => {
    const doc = readFileSync(`${ROOT}docs/identity.md`, 'utf8');
    for (const code of Object.keys(AUDIT_EVENTS)) expect(doc, code).toContain(`\`${code}\``);
  });
});
