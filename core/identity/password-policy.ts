import type { CommonPasswords } from './common-passwords.ts';

/**
 * NIST SP 800-63B password rules: length is what counts (12–128 characters, 15 for privileged
 * accounts), no composition rules, and a blocklist of common, breached and context-specific values
 * (the username, the e-mail address, repeated or sequential characters). Lengths are counted in Unicode
 * code points after NFKC normalisation, which is also what the hash sees.
 */
export const MIN_LENGTH = 12;
export const MIN_LENGTH_PRIVILEGED = 15;
export const MAX_LENGTH = 128;

export interface PolicyContext {
  username: string;
  email?: string;
  privileged: boolean;
  common: CommonPasswords;
}

export type PolicyIssue = 'too_short' | 'too_long' | 'common' | 'contains_username' | 'repetitive';

export interface PolicyResult {
  ok: boolean;
  issues: PolicyIssue[];
  /** One sentence per issue, safe to show (never echoes the password). */
  messages: string[];
}

function isRepetitive(pw: string): boolean {
  const chars = [...pw];
  if (new Set(chars).size <= 2) return true;
  // A run like "abcdefghijkl" or "123456789012" (each code point one above or below the previous).
  let up = true;
  let down = true;
  for (let i = 1; i < chars.length; i++) {
    const d = (chars[i]?.codePointAt(0) ?? 0) - (chars[i - 1]?.codePointAt(0) ?? 0);
    const dMod = ((d % 10) + 10) % 10;
    if (!(d === 1 || (dMod === 1 && /\d/.test(chars[i] ?? '')))) up = false;
    if (!(d === -1 || (dMod === 9 && /\d/.test(chars[i] ?? '')))) down = false;
  }
  return up || down;
}

export function checkPassword(password: string, ctx: PolicyContext): PolicyResult {
  const pw = password.normalize('NFKC');
  const length = [...pw].length;
  const min = ctx.privileged ? MIN_LENGTH_PRIVILEGED : MIN_LENGTH;
  const issues: PolicyIssue[] = [];
  const messages: string[] = [];
  if (length < min) {
    issues.push('too_short');
    messages.push(
      `must be at least ${min} characters${ctx.privileged ? ' for an account that administers users or roles' : ''}`,
    );
  }
  if (length > MAX_LENGTH) {
    issues.push('too_long');
    messages.push(`must be at most ${MAX_LENGTH} characters`);
  }
  const lower = pw.toLowerCase();
  const name = ctx.username.normalize('NFKC').toLowerCase();
  const local = ctx.email?.split('@')[0]?.normalize('NFKC').toLowerCase() ?? '';
  if ((name.length >= 3 && lower.includes(name)) || (local.length >= 3 && lower.includes(local))) {
    issues.push('contains_username');
    messages.push('must not contain the username or e-mail name');
  }
  if (ctx.common.has(lower)) {
    issues.push('common');
    messages.push('is on the list of common or breached passwords');
  } else if (length > 0 && isRepetitive(pw)) {
    issues.push('repetitive');
    messages.push('must not be a repeated or sequential run of characters');
  }
  return { ok: issues.length === 0, issues, messages };
}
