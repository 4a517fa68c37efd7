import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../helpers/cli.ts';
import { fetcher, freePort, waitFor } from '../helpers/net.ts';
import { postgresFor } from '../helpers/processes.ts';
import { addUser, sweepStaleUsers } from '../helpers/sshd-users.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * The README's first command, `npm ci && npm start`, from a fresh clone of this repository's committed
 * HEAD, the way newcomers run it: as root inside a directory other users cannot enter (mktemp -d), and as
 * an unprivileged user in a 0700 home. npm's cache is primed by the suite's own `npm ci`, so this needs
 * the registry only for what the cache lacks.
 */
interface RunAs {
  uid: number;
  gid: number;
  home: string;
}

/** The environment for a command run as `runAs`: no npm settings inherited from root's npm, its own HOME. */
function envFor(runAs?: RunAs): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !/^npm_/i.test(k)));
  return runAs ? { ...env, HOME: runAs.home, npm_config_cache: join(runAs.home, '.npm') } : env;
}

function sh(cmd: string, args: string[], cwd: string, runAs?: RunAs): void {
  const r = spawnSync(cmd, args, {
    cwd,
    env: envFor(runAs),
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
}

async function firstRun(checkout: string, runAs?: RunAs): Promise<void> {
  // Cloned by root (the source checkout may be unreachable for the user), then handed over whole.
  sh('git', ['clone', '--quiet', '--no-hardlinks', ROOT, checkout], '/');
  if (runAs) sh('chown', ['-R', `${runAs.uid}:${runAs.gid}`, checkout], '/');
  sh('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], checkout, runAs);
  const apiPort = await freePort();
  const pgPort = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: checkout,
    detached: true, // its own process group, so the test can send the terminal's Ctrl-C to all of it
    env: {
      ...envFor(runAs),
      OPENWATCH_SERVER_LISTEN: `127.0.0.1:${apiPort}`,
      OPENWATCH_DATABASE_EMBEDDED_PORT: String(pgPort),
    },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let clusterDir: string | undefined;
  try {
    const started = Date.now();
    await waitFor(
      async () => (out.includes('listening on') ? true : /failed|refusing/.test(out) ? true : undefined),
      120_000,
      'npm start to listen',
    );
    clusterDir = /embedded PostgreSQL in (\S+),/.exec(out)?.[1];
    expect(out, out).toContain('listening on');
    const health = await fetcher(`https://127.0.0.1:${apiPort}`)('/api/v1/health');
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(clusterDir).toBeDefined();
    expect(postgresFor(clusterDir ?? '').length).toBe(1);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
  }
  expect(postgresFor(clusterDir ?? '')).toEqual([]);
  if (!runAs && clusterDir?.startsWith('/var/lib/openwatch/'))
    rmSync(join(clusterDir, '..'), { recursive: true });
}

describe('first run from a fresh clone: npm ci && npm start', () => {
  afterAll(() => sweepStaleUsers());

  it.runIf(process.getuid?.() === 0)(
    'as root inside a 0700 directory: health 200, and Ctrl-C leaves no PostgreSQL running',
    async () => {
      const dir = tempDir('ow-first-run'); // mkdtemp: 0700, like `mktemp -d`
      await firstRun(join(dir, 'ow'));
    },
    600_000,
  );

  it.runIf(process.getuid?.() === 0)(
    'as an unprivileged user in a 0700 home directory',
    async () => {
      const dir = tempDir('ow-first-run-user');
      chmodSync(dir, 0o755);
      const name = `owf${process.pid.toString(36)}`;
      const home = join(dir, name);
      const user = await addUser(name, home, 'none');
      chmodSync(home, 0o700);
      const uid = Number(spawnSync('id', ['-u', user.name]).stdout.toString());
      const gid = Number(spawnSync('id', ['-g', user.name]).stdout.toString());
      // The user's own npm cache, primed from root's so the test does not depend on the registry's speed.
      const rootCache = join(homedir(), '.npm', '_cacache');
      if (existsSync(rootCache)) {
        cpSync(rootCache, join(home, '.npm', '_cacache'), { recursive: true });
        spawnSync('chown', ['-R', `${uid}:${gid}`, join(home, '.npm')]);
      }
      chownSync(home, uid, gid);
      try {
        await firstRun(join(home, 'ow'), { uid, gid, home });
      } finally {
        spawnSync('userdel', [user.name]);
      }
    },
    600_000,
  );
});
