import { appendAuditEvents, type AuditActor } from '../audit/append.ts';
import { randomBytes, sha256Hex, toBase64Url } from '../crypto/bytes.ts';
import { activeAdminExists, insertSetupToken, invalidateLiveSetupTokens } from '../db/sql/setup.ts';
import type { Db } from '../db/types.ts';

/** A setup link works until it is used or this long after it was minted, whichever comes first. */
const SETUP_TOKEN_VALID_SECONDS = 24 * 60 * 60;
const TOKEN_BYTES = 32;

export interface MintedSetupToken {
  token: string;
  expiresAt: Date;
}

/**
 * Mints a one-time setup token when no active administrator exists (undefined otherwise). Only its
 * SHA-256 is stored; every older unused token is invalidated in the same transaction, so at most one
 * link works at a time.
 */
export async function mintSetupToken(db: Db, actor: AuditActor): Promise<MintedSetupToken | undefined> {
  const token = toBase64Url(randomBytes(TOKEN_BYTES));
  const hash = await sha256Hex(token);
  return db.transaction(async (tx) => {
    if (await activeAdminExists(tx)) return undefined;
    const replaced = await invalidateLiveSetupTokens(tx);
    const expiresAt = await insertSetupToken(tx, hash, SETUP_TOKEN_VALID_SECONDS);
    await appendAuditEvents(tx, [
      {
        code: 'setup.token_issued',
        actor,
        details: { expires_at: expiresAt.toISOString(), replaced },
      },
    ]);
    return { token, expiresAt };
  });
}

/**
 * The link to print: the token goes in the fragment, which browsers never send, so it cannot reach a
 * server or proxy log. A wildcard listen address is no place to browse to; the machine's name is.
 */
export function setupUrl(listen: string, token: string, o: { dev: boolean; hostname: string }): string {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  const port = listen.slice(colon + 1);
  const wildcard = host === '0.0.0.0' || host === '[::]';
  const shown = o.dev ? 'localhost' : wildcard ? o.hostname : host;
  return `https://${shown}:${port}/setup#token=${token}`;
}
