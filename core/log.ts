import type { LogLevel } from './config/schema.ts';
import { REDACTED, Secret } from './secret.ts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /pass(word|phrase)?|secret|token|authorization|cookie|private_?key|credential|dsn|otp/i;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s]+:)([^@/\s]+)@/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Masks secrets inside free text: passwords in URLs and bearer tokens. */
export function redactText(text: string): string {
  return text.replace(URL_PASSWORD, '$1REDACTED@').replace(BEARER, '$1 REDACTED');
}

/** Names of identifiers (`credential_id`, `token_ids`): their values are ids, never secrets. */
const IDENTIFIER_FIELD = /(^|_)ids?$/i;

function secretField(name: string): boolean {
  return SECRET_FIELD.test(name) && !IDENTIFIER_FIELD.test(name);
}

/**
 * Redaction happens here, at the logger, so no call site can forget it. A {@link Secret} (the type every
 * decrypted credential secret has) is "[redacted]" whatever its field is called. Under a secret-looking name
 * (not an identifier) every *string* is replaced, at any depth: secrets are text, so a count
 * (`api_tokens_revoked: 3`), a flag or an id under such a name stays visible. Everywhere, strings are
 * scrubbed of URL passwords and bearer tokens.
 */
export function redact(value: unknown, depth = 0, secret = false): unknown {
  if (value instanceof Secret) return REDACTED;
  if (typeof value === 'string') return secret ? 'REDACTED' : redactText(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, secret));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, depth + 1, secret || secretField(k));
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  format: 'json' | 'text';
  /** Receives each formatted line; defaults to console.log (stdout on Node, the log stream on workerd). */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => console.log(line));
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[level] < ORDER[options.level]) return;
    const record = redact({ time: new Date().toISOString(), level, msg, ...base, ...fields }) as LogFields;
    if (options.format === 'json') {
      write(JSON.stringify(record));
      return;
    }
    const { time, level: l, msg: m, ...rest } = record;
    const extras = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${String(time)} ${String(l).toUpperCase().padEnd(5)} ${String(m)}${extras ? ' ' + extras : ''}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}
