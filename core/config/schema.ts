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
  /** Lifetime of an access token (JWT). Also how long a rotated-out signing key keeps verifying. */
  access_token_minutes: positiveInt(60).default(15),
  /** A session unused for this long ends (checked on every request and refresh). */
  session_idle_minutes: positiveInt(7 * 24 * 60).default(30),
  /** A session ends this long after sign-in, however active. */
  session_absolute_hours: positiveInt(30 * 24).default(12),
  /** Consecutive failed sign-ins for one username that start a lockout. */
  lockout_threshold: z.coerce.number().int().min(2).max(100).default(5),
  /** First lockout length; each further lockout doubles it, up to lockout_max_seconds. */
  lockout_base_seconds: positiveInt(24 * 3600).default(60),
  lockout_max_seconds: positiveInt(7 * 24 * 3600).default(3600),
  /** Length of the fixed window the rate limits below count in. */
  rate_window_seconds: positiveInt(3600).default(60),
  login_limit_per_ip: positiveInt(1_000_000).default(20),
  login_limit_per_account: positiveInt(1_000_000).default(10),
  mfa_limit_per_account: positiveInt(1_000_000).default(5),
  refresh_limit_per_ip: positiveInt(1_000_000).default(60),
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
        listen: listenAddress.default('0.0.0.0:8443'),
        tls_cert: z.string().min(1).optional(),
        tls_key: z.string().min(1).optional(),
        /** Optional plain-HTTP listener for development; only loopback addresses are accepted. */
        http_listen: listenAddress
          .refine(
            (v) => /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost):/.test(v),
            'plain HTTP may only listen on loopback',
          )
          .optional(),
        /** Directory of static UI assets; the UI shipped with OpenWatch when unset. */
        static_dir: z.string().min(1).optional(),
        /** Largest request body accepted, in bytes. */
        max_body_bytes: positiveInt(64 * 1024 * 1024).default(1024 * 1024),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        dsn: z.string().url('expected a postgres:// URL').optional(),
        max_connections: positiveInt(1000).default(25),
        /** Where `serve` keeps its embedded PostgreSQL, secrets and certificate when no DSN is set. */
        data_dir: z.string().min(1).default('.openwatch'),
        embedded_port: positiveInt(65535).default(54329),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        format: z.enum(['json', 'text']).default('json'),
      })
      .strict()
      .prefault({}),
    identity: z
      .object({
        jwt_private_key: z.string().min(1).optional(),
        credential_key_file: z.string().min(1).optional(),
        ...identitySettingsShape,
      })
      .strict()
      .prefault({}),
    runner: z
      .object({
        /**
         * Scan hosts whose transport is `local` (this machine, registered by development mode) without SSH.
         * Unset means on in development mode and off otherwise.
         */
        allow_local_transport: z.union([z.boolean(), z.stringbool()]).optional(),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /**
         * File holding the bearer token Prometheus sends (at least 16 characters). Without it /metrics is
         * served to loopback clients only.
         */
        token_file: z.string().min(1).optional(),
        /** Where `openwatch runner` serves /metrics over plain HTTP; off when unset. */
        runner_listen: listenAddress.optional(),
      })
      .strict()
      .prefault({}),
    housekeeping: z.object(housekeepingShape).strict().prefault({}),
    audit: z
      .object({
        /**
         * Where `serve` anchors the audit chain's head (a signed checkpoint, fsynced), outside the
         * database; `audit verify` compares against it. Default: `<database.data_dir>/audit-head.json`.
         */
        head_file: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        /** The Ed25519 report key (`openwatch report keygen`) `serve` signs report snapshots with. */
        key_file: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    notifications: z
      .object({
        /** Let channels reach loopback, private and other non-public addresses (SSRF guard off). */
        allow_private_networks: z.boolean().default(false),
        /** PEM file of extra CA certificates trusted by webhook, Slack and SMTP TLS. */
        ca_file: z.string().min(1).optional(),
        /** The console's public base URL, to make links in messages absolute. */
        console_url: z.url({ protocol: /^https?$/ }).optional(),
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
