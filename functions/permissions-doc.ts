import { PERMISSIONS, PERMISSION_NAMES } from '../core/rbac/permissions.ts';
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES, PRIVILEGED_PERMISSIONS } from '../core/rbac/roles.ts';
import type { AnyRoute } from './http/route.ts';

/**
 * docs/permissions.md, generated from the registry, the built-in roles and the route declarations.
 * test/identity/routes.test.ts fails when the file differs (UPDATE_DOCS=1 rewrites it).
 */
export function permissionsMarkdown(routes: readonly AnyRoute[]): string {
  const lines = [
    '# Permissions',
    '',
    '<!-- Generated from core/rbac/permissions.ts, core/rbac/roles.ts and the route declarations by',
    '     functions/permissions-doc.ts. Do not edit: run `UPDATE_DOCS=1 npx vitest run test/identity/routes.test.ts`. -->',
    '',
    'Every route declares what it requires in one place (`permission` in its `defineRoute`): a permission',
    'from the registry below, `authenticated` (any signed-in user acting on their own account) or `public`.',
    "A user's permissions are the union of their roles'. An API token holds its role's permissions, and",
    'never more than its owner holds at the time of use. Nobody can grant (to a user, a role or a token)',
    'a permission they do not hold, nor manage an account holding permissions they lack.',
    '',
    `Privileged permissions (15-character passwords; the \`admins\` MFA policy): ${PRIVILEGED_PERMISSIONS.map((p) => `\`${p}\``).join(', ')}.`,
    '',
    '## Registry and built-in roles',
    '',
    `| permission | description | ${BUILTIN_ROLE_NAMES.join(' | ')} |`,
    `|---|---|${BUILTIN_ROLE_NAMES.map(() => ':-:').join('|')}|`,
  ];
  for (const p of PERMISSION_NAMES) {
    const held = BUILTIN_ROLE_NAMES.map((r) => (BUILTIN_ROLES[r].permissions.includes(p) ? '✓' : ''));
    lines.push(`| \`${p}\` | ${PERMISSIONS[p]} | ${held.join(' | ')} |`);
  }
  lines.push('', '| role | description |', '|---|---|');
  for (const r of BUILTIN_ROLE_NAMES) lines.push(`| \`${r}\` | ${BUILTIN_ROLES[r].description} |`);
  lines.push('', '## Routes', '', '| method | path | requires | notes |', '|---|---|---|---|');
  for (const r of routes) {
    const notes = [
      ...(r.allowRestricted ? ['allowed during forced MFA enrolment'] : []),
      ...(r.sessionOnly ? ['not with API tokens'] : []),
    ].join('; ');
    lines.push(`| ${r.method} | \`${r.path}\` | \`${r.permission}\` | ${notes} |`);
  }
  return lines.join('\n') + '\n';
}
