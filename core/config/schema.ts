import { z } from 'zod';
import { housekeepingShape } from '../housekeeping/settings.ts';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `host:port`, with IPv6 hosts in brackets. */
export const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
    message: 'expected host:port, e.g. 0.0.0.0:8443',
    abort: true,
  })
  .refine((v) => {
    const port = Number(v.slice(v.lastIndexOf(':') + 1));
    return port > 0 && port < 65536;
  }, 'port must be between 1 and 65535');

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/**
 * Session, token and brute-force settings of the [identity] section. Both runtimes read them: Node from
 * the config, workerd from OPENWATCH_IDENTITY_<KEY> vars (functions/worker.ts), through this one schema.
 */
export const identitySettingsShape = {
  access_token_minutes: positiveInt(60)
    .default(15)
    .describe('Lifetime of an access token (JWT); also how long a rotated-out signing key keeps verifying.'),
  session_idle_minutes: positiveInt(7 * 24 * 60)
    .default(30)
    .describe('A session with no request or refresh for this long ends.'),
  session_absolute_hours: positiveInt(30 * 24)
    .default(12)
    .describe('A session ends this long after sign-in, however active.'),
  lockout_threshold: z.coerce
    .number()
    .int()
    .min(2)
    .max(100)
    .default(5)
    .describe('Consecutive failed sign-ins for one username that lock it.'),
  lockout_base_seconds: positiveInt(24 * 3600)
    .default(60)
    .describe('First lockout length; each further lockout doubles it, up to `lockout_max_seconds`.'),
  lockout_max_seconds: positiveInt(7 * 24 * 3600)
    .default(3600)
    .describe('The longest a lockout lasts.'),
  rate_window_seconds: positiveInt(3600)
    .default(60)
    .describe('Length of the fixed window the rate limits below count in.'),
  login_limit_per_ip: positiveInt(1_000_000)
    .default(20)
    .describe('Sign-in attempts per client address per window.'),
  login_limit_per_account: positiveInt(1_000_000)
    .default(10)
    .describe('Sign-in attempts per username per window (also password changes per user).'),
  mfa_limit_per_account: positiveInt(1_000_000)
    .default(5)
    .describe('One-time-code attempts per user per window.'),
  refresh_limit_per_ip: positiveInt(1_000_000)
    .default(60)
    .describe('Token refreshes per client address per window.'),
};

export const identitySettingsSchema = z.object(identitySettingsShape).strict();
export type IdentitySettings = z.infer<typeof identitySettingsSchema>;

/**
 * The whole configuration. Every section is strict: an unknown key is an error naming where it came from,
 * so a typo never silently falls back to a default.
 */
export const configSchema = z
  .object({
    server: z
      .object({
        listen: listenAddress
          .default('0.0.0.0:8443')
          .describe(
            'HTTPS listener, `host:port` (IPv6 in brackets). Development mode (no `database.dsn`) listens on `127.0.0.1:8443` unless this is set.',
          ),
        tls_cert: z
          .string()
          .min(1)
          .optional()
          .describe(
            'PEM certificate (chain) file; re-read for new connections when it changes, so renewals need no restart. TLS 1.2 minimum. Development mode generates a self-signed pair when unset.',
          ),
        tls_key: z.string().min(1).optional().describe('PEM private key file of `tls_cert`.'),
        http_listen: listenAddress
          .refine(
            (v) => /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost):/.test(v),
            'plain HTTP may only listen on loopback',
          )
          .optional()
          .describe(
            'Optional plain-HTTP listener (development, a local reverse proxy); loopback addresses only.',
          ),
        static_dir: z
          .string()
          .min(1)
          .optional()
          .describe(
            "Directory of the console's static assets; the console built into OpenWatch (`web/dist`) when unset.",
          ),
        max_body_bytes: positiveInt(64 * 1024 * 1024)
          .default(1024 * 1024)
          .describe('Largest request body accepted, in bytes (413 above).'),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        dsn: z
          .string()
          .url('expected a postgres:// URL')
          .optional()
          .describe(
            '`postgres://user:password@host:port/db?sslmode=…`; unset means development mode with the embedded PostgreSQL. Secret: shown redacted.',
          ),
        max_connections: positiveInt(1000).default(25).describe('Connection pool size per process.'),
        data_dir: z
          .string()
          .min(1)
          .default('.openwatch')
          .describe(
            'Where `serve` keeps its embedded PostgreSQL, development secrets and certificate when no DSN is set, and the default place of `audit.head_file`.',
          ),
        embedded_port: positiveInt(65535)
          .default(54329)
          .describe("Development mode: the embedded cluster's port (it listens on 127.0.0.1 only)."),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z.enum(LOG_LEVELS).default('info').describe('Lowest level written.'),
        format: z
          .enum(['json', 'text'])
          .default('json')
          .describe('`json` (one object per line, for journald and shippers) or `text` (for a terminal).'),
      })
      .strict()
      .prefault({}),
    identity: z
      .object({
        jwt_private_key: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Ed25519 (or P-256) private key file in PEM that signs access tokens; mode 0600 or stricter. Development mode generates one when unset.',
          ),
        credential_key_file: z
          .string()
          .min(1)
          .optional()
          .describe(
            'File of the 32-byte data-encryption key (raw or base64) that seals stored secrets; mode 0600 or stricter. Development mode generates one when unset.',
          ),
        ...identitySettingsShape,
      })
      .strict()
      .prefault({}),
    runner: z
      .object({
        allow_local_transport: z
          .union([z.boolean(), z.stringbool()])
          .optional()
          .describe(
            'Scan hosts whose transport is `local` (this machine, registered by development mode) without SSH. Unset: on in development mode, off otherwise (such scans fail with `local_transport_disabled`).',
          ),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        token_file: z
          .string()
          .min(1)
          .optional()
          .describe(
            'File holding the bearer token Prometheus sends to `/metrics` (at least 16 characters). Unset: `/metrics` answers loopback clients only (docs/operations/metrics.md).',
          ),
        runner_listen: listenAddress
          .optional()
          .describe(
            'Where `openwatch runner` serves `/metrics` over plain HTTP; off when unset. A non-loopback address needs `token_file`.',
          ),
      })
      .strict()
      .prefault({}),
    housekeeping: z.object(housekeepingShape).strict().prefault({}),
    audit: z
      .object({
        head_file: z
          .string()
          .min(1)
          .optional()
          .describe(
            "Where `serve` anchors the audit chain's head (a signed checkpoint, fsynced) outside the database, for `audit verify` (docs/audit-anchor.md). Unset: `<database.data_dir>/audit-head.json`.",
          ),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        key_file: z
          .string()
          .min(1)
          .optional()
          .describe(
            'The Ed25519 report key (`openwatch report keygen`) `serve` signs report snapshots with; unset: snapshots are stored unsigned, with their SHA-256 (docs/reports.md).',
          ),
      })
      .strict()
      .prefault({}),
    notifications: z
      .object({
        allow_private_networks: z
          .union([z.boolean(), z.stringbool()])
          .default(false)
          .describe(
            'Let notification channels reach loopback, private and other non-public addresses (the SSRF guard off; docs/alerts.md).',
          ),
        ca_file: z
          .string()
          .min(1)
          .optional()
          .describe('PEM file of extra CA certificates trusted by webhook, Slack and SMTP TLS.'),
        console_url: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe(
            "The console's public base URL (http or https), to make links in notifications absolute.",
          ),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type SectionName = keyof Config;
export const SECTIONS = Object.keys(configSchema.shape) as SectionName[];

/** Keys whose values are secrets or contain them; redacted wherever config is shown. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['database.dsn']);
