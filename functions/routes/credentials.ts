import { z } from 'zod';
import { appendAuditEvents } from '../../core/audit/append.ts';
import {
  clearDefaultCredential,
  credentialById,
  credentialHostCount,
  deleteCredential,
  insertCredential,
  listCredentials,
  lockCredential,
  replaceCredential,
  type CredentialRow,
} from '../../core/db/sql/credentials.ts';
import { SQLSTATE, sqlState } from '../../core/db/types.ts';
import { emitEvents } from '../../core/events/emit.ts';
import { links } from '../../core/events/kinds.ts';
import { decryptCredential } from '../../core/fleet/credentials.ts';
import { actorOf, principalOf, type Principal } from '../auth/principal.ts';
import {
  credentialNameSchema,
  mergeSecrets,
  privateKeySchema,
  sealSecrets,
  secretSchema,
  sshUsernameSchema,
} from '../fleet/credential-input.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { idParams } from '../identity/views.ts';

/** Body fields that replace a secret: changing one is a rotation (`credential.rotated`). */
const SECRET_FIELDS = ['private_key', 'password', 'passphrase', 'sudo_password'];

/** A credential as the API shows it: metadata only, never a secret. */
const credentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  auth_method: z.enum(['key', 'password']),
  key_fingerprint: z.string().nullable(),
  has_passphrase: z.boolean(),
  has_sudo_password: z.boolean(),
  is_default: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

function credentialView(c: CredentialRow): z.infer<typeof credentialSchema> {
  return {
    id: c.id,
    name: c.name,
    username: c.username,
    auth_method: c.auth_method,
    key_fingerprint: c.key_fingerprint,
    has_passphrase: c.passphrase_enc !== null,
    has_sudo_password: c.sudo_password_enc !== null,
    is_default: c.is_default,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

const notFound = (): ApiError => new ApiError(404, 'not_found', 'no such credential');
const conflict = (err: unknown): ApiError => {
  if (sqlState(err) === SQLSTATE.uniqueViolation)
    return new ApiError(
      409,
      'credential_exists',
      'a credential with that name exists (or another became the default)',
    );
  throw err;
};

function event(
  p: Principal,
  ip: string,
  code: 'credential.created' | 'credential.updated' | 'credential.deleted',
  c: CredentialRow,
  extra: Record<string, unknown> = {},
) {
  return {
    code,
    actor: actorOf(p),
    target: { type: 'credential', id: c.id },
    ip,
    details: {
      name: c.name,
      username: c.username,
      auth_method: c.auth_method,
      key_fingerprint: c.key_fingerprint,
      is_default: c.is_default,
      ...extra,
    },
  };
}

const keyOrPassword = (
  b: {
    auth_method?: 'key' | 'password' | undefined;
    private_key?: string | undefined;
    passphrase?: string | null | undefined;
    password?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void => {
  if (b.private_key !== undefined && b.password !== undefined)
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'give private_key or password, not both' });
  if (b.auth_method === 'key' && b.password !== undefined)
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'a key credential has no login password' });
  if (b.auth_method === 'password' && (b.private_key !== undefined || typeof b.passphrase === 'string'))
    ctx.addIssue({ code: 'custom', path: ['private_key'], message: 'a password credential has no key' });
  if (typeof b.passphrase === 'string' && b.private_key === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['passphrase'],
      message: 'a passphrase is given with its private_key',
    });
};

export const listCredentialsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/credentials',
  permission: 'credentials:read',
  summary: 'SSH credentials (metadata only; secrets are never returned)',
  tags: ['credentials'],
  responses: { 200: { description: 'Credentials', schema: z.object({ items: z.array(credentialSchema) }) } },
  handler: async ({ db }) => jsonResponse({ items: (await listCredentials(db)).map(credentialView) }),
});

export const getCredentialRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/credentials/:id',
  permission: 'credentials:read',
  summary: 'One SSH credential (metadata only)',
  tags: ['credentials'],
  params: idParams,
  responses: {
    200: { description: 'The credential', schema: credentialSchema },
    404: { description: 'No such credential' },
  },
  handler: async ({ db, params }) => {
    const c = await credentialById(db, params.id);
    if (!c) throw notFound();
    return jsonResponse(credentialView(c));
  },
});

export const createCredentialRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/credentials',
  permission: 'credentials:manage',
  summary:
    'Store an SSH credential: a private key (optional passphrase) or a password, optional sudo password',
  tags: ['credentials'],
  body: z
    .object({
      name: credentialNameSchema,
      username: sshUsernameSchema,
      auth_method: z.enum(['key', 'password']),
      private_key: privateKeySchema.optional(),
      passphrase: secretSchema.optional(),
      password: secretSchema.optional(),
      sudo_password: secretSchema.optional(),
      is_default: z.boolean().default(false),
    })
    .strict()
    .superRefine((b, ctx) => {
      keyOrPassword(b, ctx);
      if (b.auth_method === 'key' && b.private_key === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['private_key'],
          message: 'a key credential needs private_key',
        });
      if (b.auth_method === 'password' && b.password === undefined)
        ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password credential needs password' });
    }),
  responses: {
    201: { description: 'Stored', schema: credentialSchema },
    409: { description: 'credential_exists' },
    422: { description: 'invalid_private_key' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    const id = crypto.randomUUID();
    const sealed = await sealSecrets(ctx.services.sshKeys, await ctx.services.identity.keyring(), id, {
      authMethod: b.auth_method,
      secret: (b.auth_method === 'key' ? b.private_key : b.password) ?? '',
      passphrase: b.passphrase ?? null,
      sudoPassword: b.sudo_password ?? null,
    });
    const row = await ctx.db
      .transaction(async (tx) => {
        if (b.is_default) await clearDefaultCredential(tx, id);
        const c = await insertCredential(tx, {
          id,
          name: b.name,
          username: b.username,
          isDefault: b.is_default,
          createdBy: p.userId,
          ...sealed,
        });
        await appendAuditEvents(tx, [event(p, ctx.clientIp, 'credential.created', c)]);
        return c;
      })
      .catch((err: unknown) => {
        throw conflict(err);
      });
    return jsonResponse(credentialView(row), 201);
  },
});

export const updateCredentialRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/credentials/:id',
  permission: 'credentials:manage',
  summary: 'Change a credential or replace its secrets (sudo_password or passphrase null removes it)',
  tags: ['credentials'],
  params: idParams,
  body: z
    .object({
      name: credentialNameSchema.optional(),
      username: sshUsernameSchema.optional(),
      auth_method: z.enum(['key', 'password']).optional(),
      private_key: privateKeySchema.optional(),
      passphrase: secretSchema.nullable().optional(),
      password: secretSchema.optional(),
      sudo_password: secretSchema.nullable().optional(),
      is_default: z.boolean().optional(),
    })
    .strict()
    .superRefine(keyOrPassword),
  responses: {
    200: { description: 'Updated', schema: credentialSchema },
    404: { description: 'No such credential' },
    409: { description: 'credential_exists' },
    422: { description: 'invalid_private_key, or a method change without its secret' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    const b = ctx.body;
    const ring = await ctx.services.identity.keyring();
    const row = await ctx.db
      .transaction(async (tx) => {
        const before = await lockCredential(tx, ctx.params.id);
        if (!before) throw notFound();
        // Every kept secret is re-sealed too, so the row stays under one key version.
        const plain = await decryptCredential(ring, before);
        const sealed = await sealSecrets(
          ctx.services.sshKeys,
          ring,
          before.id,
          mergeSecrets(before.auth_method, plain, b),
        );
        const isDefault = b.is_default ?? before.is_default;
        if (isDefault) await clearDefaultCredential(tx, before.id);
        const c = await replaceCredential(tx, {
          id: before.id,
          name: b.name ?? before.name,
          username: b.username ?? before.username,
          isDefault,
          ...sealed,
        });
        const fields = Object.keys(b);
        await appendAuditEvents(tx, [event(p, ctx.clientIp, 'credential.updated', c, { fields })]);
        if (SECRET_FIELDS.some((f) => fields.includes(f)))
          await emitEvents(tx, [
            {
              kind: 'credential.rotated',
              link: links.credential(c.id),
              data: { credential_id: c.id, name: c.name },
            },
          ]);
        return c;
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError) throw err;
        throw conflict(err);
      });
    return jsonResponse(credentialView(row));
  },
});

export const deleteCredentialRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/credentials/:id',
  permission: 'credentials:manage',
  summary: 'Delete a credential (refused while hosts name it as theirs)',
  tags: ['credentials'],
  params: idParams,
  responses: {
    204: { description: 'Deleted' },
    404: { description: 'No such credential' },
    409: { description: 'credential_in_use' },
  },
  handler: async (ctx) => {
    const p = principalOf(ctx);
    await ctx.db.transaction(async (tx) => {
      const c = await lockCredential(tx, ctx.params.id);
      if (!c) throw notFound();
      const hosts = await credentialHostCount(tx, c.id);
      if (hosts > 0)
        throw new ApiError(
          409,
          'credential_in_use',
          `${hosts} host(s) use this credential; move them first`,
          { hosts },
        );
      await deleteCredential(tx, c.id);
      await appendAuditEvents(tx, [event(p, ctx.clientIp, 'credential.deleted', c)]);
    });
    return new Response(null, { status: 204 });
  },
});
