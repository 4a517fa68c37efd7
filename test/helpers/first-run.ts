import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, cleanEnv } from './cli.ts';
import { fetcher, waitFor } from './net.ts';

export interface DevServe {
  child: ChildProcess;
  stdout: () => string;
  /** stdout and stderr together. */
  output: () => string;
  exited: Promise<number | null>;
}

/** `openwatch serve` with no DSN (development mode: embedded PostgreSQL under cwd/.openwatch). */
export function startDevServe(cwd: string, env: NodeJS.ProcessEnv): DevServe {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let all = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    all += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => (all += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, output: () => all, exited };
}

export type Get = <T>(path: string) => Promise<T>;

/**
 * What a new user does after `npm start`: take the token from the printed link (host `localhost` in
 * development mode), create the first administrator through the setup API, and sign in.
 */
export async function firstAdminByLink(
  serve: DevServe,
  apiPort: number,
  user: { username: string; password: string },
  timeoutMs: number,
): Promise<{ get: Get; setupStatus: number }> {
  const link = new RegExp(
    `^First-run setup: https://localhost:${apiPort}/setup#token=([A-Za-z0-9_-]{43})$`,
    'm',
  );
  const token = await waitFor(async () => link.exec(serve.stdout())?.[1], timeoutMs, 'the setup link');
  const api = fetcher(`https://127.0.0.1:${apiPort}`);
  const post = (path: string, body: unknown) =>
    api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const setup = await post('/api/v1/setup', { token, email: `${user.username}@example.test`, ...user });
  const login = await post('/api/v1/auth/login', user);
  if (login.status !== 200) throw new Error(`sign-in after setup: ${login.status} ${await login.text()}`);
  const { access_token } = (await login.json()) as { access_token: string };
  const get: Get = async <T>(path: string): Promise<T> => {
    const res = await api(path, { headers: { authorization: `Bearer ${access_token}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { get, setupStatus: setup.status };
}

export interface Posture {
  score: number | null;
  counts: Record<string, number>;
  hosts: { total: number; assessed: number };
}

/** Polls GET /api/v1/posture for one host until a completed scan is counted in it. */
export function scoredPosture(get: Get, hostId: string, timeoutMs: number, what: string): Promise<Posture> {
  return waitFor(
    async () => {
      const p = await get<Posture>(`/api/v1/posture?host_id=${hostId}`);
      return p.hosts.assessed === 1 ? p : undefined;
    },
    timeoutMs,
    what,
  );
}
