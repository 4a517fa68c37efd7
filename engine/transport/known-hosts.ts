import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** Comma-separated host patterns, or a hashed `|1|salt|hash` name. */
  hosts: string;
  keyType: string;
  key: Buffer;
  line: number;
}

/**
 * Parses known_hosts text as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" describes it: blank and `#` lines
 * skipped, optional `@revoked`/`@cert-authority` marker, host patterns, key type, base64 key, comment.
 * Malformed lines are skipped, as ssh does, rather than failing a whole scan.
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return;
    entries.push({
      ...(marker ? { marker } : {}),
      hosts,
      keyType,
      key: Buffer.from(b64, 'base64'),
      line: i + 1,
    });
  });
  return entries;
}

/** The name ssh looks a host up by: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const [, magic, salt64, hash64] = field.split('|');
  if (magic !== '1' || !salt64 || !hash64) return false;
  const expected = Buffer.from(hash64, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether an entry's host field names `name`; a matching negated pattern (`!pat`) excludes the line. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** Plain-key entries (no `@cert-authority`) that apply to `host:port`, revoked ones included. */
export function entriesFor(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
}

/** Reads a known_hosts file; a missing file is an empty one (every host is then unknown). */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Appends a plain (unhashed) entry, creating the file 0600 and its directory 0700 when missing. */
export async function appendKnownHost(
  file: string,
  host: string,
  port: number,
  keyType: string,
  key: Buffer,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const current = await readFile(file);
    if (current.length > 0 && current[current.length - 1] !== 0x0a) prefix = '\n';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await appendFile(file, `${prefix}${knownHostsName(host, port)} ${keyType} ${key.toString('base64')}\n`, {
    mode: 0o600,
  });
}
