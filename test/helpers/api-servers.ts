import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { newJwtPrivateKeyPem } from '../../core/node/keys.ts';
import { BIN, cleanEnv, ROOT } from './cli.ts';
import { fetcher, freePort, waitFor, type Fetch } from './net.ts';
import { tempDir } from './tmp.ts';

export interface ApiTarget {
  runtime: 'node' | 'workerd';
  base: string;
  fetch: Fetch;
  /** Output the process printed so far (logs). */
  output(): string;
  /** The PEM of the key the server signs access tokens with (made up for this run). */
  signingKeyPem: string;
  stop(): Promise<void>;
}

function capture(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}

/** Stops the whole process group (npx → wrangler → workerd) and waits for the leader to exit. */
function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, signal);
    } catch {
      resolve();
    }
  });
}

export interface NodeServeOptions {
  dsn: string;
  env?: NodeJS.ProcessEnv;
  /** Another release's bin/openwatch.js (test/helpers/previous-release.ts); this checkout's by default. */
  bin?: string;
}

/** `openwatch serve` in production mode (DSN, keys and certificate given) as a child process. */
export async function startNodeServe(options: NodeServeOptions): Promise<ApiTarget> {
  const dir = tempDir('ow-serve');
  const secrets = await ensureDevSecrets(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [options.bin ?? BIN, 'serve'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...cleanEnv(),
      OPENWATCH_DATABASE_DSN: options.dsn,
      OPENWATCH_SERVER_LISTEN: `127.0.0.1:${port}`,
      OPENWATCH_SERVER_TLS_CERT: secrets.tlsCert,
      OPENWATCH_SERVER_TLS_KEY: secrets.tlsKey,
      OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
      OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: secrets.credentialKeyFile,
      // Its own audit anchor: the default (<data_dir>/audit-head.json under the checkout) would be shared
      // by every test file's server, each anchoring a different database's chain.
      OPENWATCH_AUDIT_HEAD_FILE: join(dir, 'audit-head.json'),
      ...options.env,
    },
  });
  const output = capture(child);
  const base = `https://127.0.0.1:${port}`;
  await waitFor(
    async () => (output().includes('listening on') ? true : undefined),
    30_000,
    `serve: ${output()}`,
  );
  return {
    runtime: 'node',
    base,
    fetch: fetcher(base),
    output,
    signingKeyPem: readFileSync(secrets.jwtPrivateKey, 'utf8'),
    stop: () => stopGroup(child),
  };
}

/**
 * wrangler.toml without its [assets] section. Locally, wrangler routes the cron test endpoint through the
 * assets router, which has no scheduled handler; on Cloudflare, cron triggers reach the worker itself.
 */
function configWithoutAssets(): string {
  const text = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^\[assets\][\s\S]*?(?=^\[)/m, '')
    .replace(/^main = "(.*)"$/m, (_, p: string) => `main = "../${p}"`);
  mkdirSync(join(ROOT, '.wrangler'), { recursive: true });
  const file = join(ROOT, '.wrangler', `test-no-assets-${process.pid}.toml`);
  writeFileSync(file, text);
  return file;
}

/**
 * The worker's secrets for this run, as a dotenv file outside the checkout (wrangler --env-file): a fresh
 * signing key and credential key, never committed anywhere. Extra vars (OPENWATCH_IDENTITY_*) go along.
 */
function secretsEnvFile(pem: string, vars: Record<string, string>): string {
  const dir = tempDir('ow-workerd');
  const file = join(dir, '.env');
  const lines = [
    `JWT_PRIVATE_KEY="${pem.trim().replace(/\n/g, '\\n')}"`,
    `CREDENTIAL_KEY=${randomBytes(32).toString('base64')}`,
    ...Object.entries(vars).map(([k, v]) => `${k}=${v}`),
  ];
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  return file;
}

/** `wrangler dev`: the worker inside workerd, its Hyperdrive binding pointed at `dsn`. */
export async function startWorkerd(
  dsn: string,
  options: { assets?: boolean; vars?: Record<string, string> } = {},
): Promise<ApiTarget> {
  const port = await freePort();
  const signingKeyPem = newJwtPrivateKeyPem();
  const envFile = secretsEnvFile(signingKeyPem, options.vars ?? {});
  const configArgs = options.assets === false ? ['--config', configWithoutAssets()] : [];
  // Hyperdrive insists on a password in the URL; trust-auth servers ignore it.
  const url = new URL(dsn);
  if (!url.password) url.password = 'unused';
  const child = spawn(
    join(ROOT, 'node_modules/.bin/wrangler'),
    [
      'dev',
      ...configArgs,
      '--env-file',
      envFile,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      '0',
      '--show-interactive-dev-session=false',
      '--log-level',
      'log',
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...cleanEnv(),
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url.toString(),
        WRANGLER_SEND_METRICS: 'false',
        CI: 'true',
      },
    },
  );
  const output = capture(child);
  const base = `http://127.0.0.1:${port}`;
  const f = fetcher(base);
  await waitFor(
    async () => ((await f('/health/live')).ok ? true : undefined),
    60_000,
    `wrangler dev: ${output()}`,
  );
  return { runtime: 'workerd', base, fetch: f, output, signingKeyPem, stop: () => stopGroup(child) };
}
