import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shq } from '../../engine/shell/quote.ts';
import { sha256Fingerprint } from '../../engine/transport/fingerprint.ts';
import { createNetns, setNetnsSysctls, sweepStaleNetns, type Netns } from './netns.ts';
import { generateLabKeys, publicBlob, type LabKeys } from './sshd-keys.ts';
import { createTestUsers, type TestUsers } from './sshd-users.ts';
import { overlaySetup, type OverlayFiles } from './host-overlay.ts';

export const SSHD = '/usr/sbin/sshd';
const START_TIMEOUT_MS = 10_000;

/** How one test host differs from the machine it runs on. */
export interface HostOptions {
  /** Run in its own network namespace (reached at a 10.200.x.y address, port 22). Default: loopback. */
  netns?: boolean;
  /** Host private keys sshd presents; default the lab's shared ed25519 key. */
  hostKeys?: string[];
  /** Extra lines for the config of the sshd that serves the test (e.g. `MaxSessions 2`). */
  serverConfig?: string[];
  /**
   * What the host's own files look like to a scanner: a private copy of /etc/ssh with this
   * sshd_config, and files bind-mounted over existing ones (e.g. /etc/login.defs). Applied inside a
   * private mount namespace, so the real files are never touched.
   */
  etc?: { sshdConfig?: string; files?: Record<string, string>; overlay?: OverlayFiles };
  /** net.* sysctls set inside the host's network namespace (requires `netns`). */
  sysctls?: Record<string, string>;
}

export interface SshdHost {
  address: string;
  port: number;
  hostKeyType: string;
  hostKeyBlob: Buffer;
  hostKeyFingerprint: string;
  netns?: Netns;
  /** A known_hosts line for this host (`addr` on port 22, `[addr]:port` otherwise). */
  knownHostsLine(opts?: { hashed?: boolean; keyPath?: string }): string;
  /** sshd's own log (stderr, `-e`), for asserting what the server saw. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

function serverConfig(
  lab: SshLab,
  o: { address: string; port: number; id: string; hostKeys: string[]; extra: string[] },
): string {
  return [
    `Port ${o.port}`,
    `ListenAddress ${o.address}`,
    ...o.hostKeys.map((k) => `HostKey ${k}`),
    `PidFile ${join(lab.dir, `sshd-${o.id}.pid`)}`,
    `AuthorizedKeysFile ${join(lab.dir, 'authorized_keys', '%u')}`,
    ...o.extra,
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin yes',
    'MaxSessions 10',
    'MaxStartups 200:30:400',
    'UseDNS no',
    'LogLevel INFO',
    '',
  ].join('\n');
}

const liveServers = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  liveServers.add(child);
  child.once('exit', () => liveServers.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const c of liveServers) if (c.pid !== undefined) killGroup(c.pid, 'SIGKILL');
  });
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Already exited.
  }
}

function waitListening(child: ChildProcess, logs: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`sshd did not start within ${START_TIMEOUT_MS} ms:\n${logs()}`)),
      START_TIMEOUT_MS,
    );
    const onData = () => {
      if (/Server listening on/.test(logs())) done();
    };
    const onExit = (code: number | null) =>
      fail(new Error(`sshd exited (${code}) before listening:\n${logs()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (e: Error) => {
      cleanup();
      reject(e);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * A set of real OpenSSH servers sharing keys, test users and a temp dir. Create one per test file;
 * `cleanup()` stops every host, deletes namespaces, users and files.
 */
export class SshLab {
  private readonly hosts = new Set<SshdHost>();
  private seq = 0;

  private constructor(
    readonly dir: string,
    readonly keys: LabKeys,
    readonly users: TestUsers,
  ) {}

  static async create(): Promise<SshLab> {
    // Fail loudly rather than skip: a silently skipped SSH suite would hide a missing install step.
    if (!existsSync(SSHD) || !existsSync('/usr/bin/sudo')) {
      throw new Error(`the SSH tests need ${SSHD} and sudo: apt-get install -y openssh-server sudo`);
    }
    if (process.getuid?.() !== 0)
      throw new Error('the SSH tests start sshd and create users: run them as root');
    sweepStaleNetns();
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
    const dir = mkdtempSync(join(tmpdir(), 'openwatch-sshd-'));
    chmodSync(dir, 0o755); // users' homes live below it
    try {
      const keys = await generateLabKeys(dir);
      const users = await createTestUsers(dir);
      mkdirSync(join(dir, 'authorized_keys'));
      for (const name of ['root', users.sudoNopasswd.name, users.sudoPassword.name, users.noSudo.name]) {
        writeFileSync(join(dir, 'authorized_keys', name), keys.authorizedKeys, { mode: 0o644 });
      }
      return new SshLab(dir, keys, users);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Starts one sshd; resolves once it is listening. */
  async startHost(options: HostOptions = {}): Promise<SshdHost> {
    const id = String(++this.seq);
    const hostKeys = options.hostKeys ?? [this.keys.hostKeyPath];
    const ns = options.netns ? await createNetns() : undefined;
    try {
      if (ns && options.sysctls) await setNetnsSysctls(ns, options.sysctls);
      else if (options.sysctls) throw new Error('sysctls need a network namespace (netns: true)');
      const mounts = this.prepareEtc(id, options.etc);
      for (let attempt = 0; ; attempt++) {
        const port = ns ? 22 : await freePort();
        const address = ns ? ns.address : '127.0.0.1';
        try {
          return await this.spawnHost({
            id,
            port,
            address,
            hostKeys,
            ns,
            mounts,
            extra: options.serverConfig ?? [],
          });
        } catch (err) {
          // A free port can be taken between probing and binding; only then is a retry useful.
          if (ns || attempt >= 3 || !/Bind to port|Cannot bind/.test(String(err))) throw err;
        }
      }
    } catch (err) {
      await ns?.destroy();
      throw err;
    }
  }

  /** Shell commands run in the host's mount namespace before sshd starts. */
  private prepareEtc(id: string, etc: HostOptions['etc']): string[] {
    if (!etc) return [];
    const root = join(this.dir, `etc-${id}`);
    const mounts: Array<[string, string]> = [];
    if (etc.sshdConfig !== undefined) {
      // A full copy, host keys included: `sshd -T` on the host refuses to run without them.
      cpSync('/etc/ssh', join(root, 'ssh'), { recursive: true });
      writeFileSync(join(root, 'ssh', 'sshd_config'), etc.sshdConfig);
      mounts.push([join(root, 'ssh'), '/etc/ssh']);
    }
    Object.entries(etc.files ?? {}).forEach(([target, content], i) => {
      const source = join(root, `file-${i}`);
      mkdirSync(root, { recursive: true });
      writeFileSync(source, content, { mode: 0o644 });
      mounts.push([source, target]);
    });
    // Overlays first: a bind mount below a directory that is overlaid afterwards would be hidden.
    return [
      ...overlaySetup(root, etc.overlay),
      ...mounts.map(([src, dst]) => `mount --bind ${shq(src)} ${shq(dst)}`),
    ];
  }

  private async spawnHost(o: {
    id: string;
    port: number;
    address: string;
    hostKeys: string[];
    ns: Netns | undefined;
    mounts: string[];
    extra: string[];
  }): Promise<SshdHost> {
    const cfg = join(this.dir, `sshd-${o.id}.conf`);
    writeFileSync(cfg, serverConfig(this, { ...o }));
    const sshd = [SSHD, '-D', '-e', '-f', cfg];
    let argv = sshd;
    if (o.mounts.length > 0) {
      const script = [...o.mounts, `exec ${sshd.map(shq).join(' ')}`].join(' && ');
      argv = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script];
    }
    if (o.ns) argv = ['ip', 'netns', 'exec', o.ns.name, ...argv];
    const [cmd = SSHD, ...args] = argv;
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    let log = '';
    child.stderr?.on('data', (c: Buffer) => {
      log = (log + c.toString('utf8')).slice(-256 * 1024);
    });
    try {
      await waitListening(child, () => log);
    } catch (err) {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      throw err;
    }
    const primary = publicBlob(o.hostKeys[0] ?? this.keys.hostKeyPath);
    const name = o.port === 22 ? o.address : `[${o.address}]:${o.port}`;
    const host: SshdHost = {
      address: o.address,
      port: o.port,
      hostKeyType: primary.type,
      hostKeyBlob: primary.blob,
      hostKeyFingerprint: sha256Fingerprint(primary.blob),
      ...(o.ns ? { netns: o.ns } : {}),
      knownHostsLine: (opts = {}) => {
        const k = opts.keyPath ? publicBlob(opts.keyPath) : primary;
        return `${opts.hashed ? hashedName(name) : name} ${k.type} ${k.blob.toString('base64')}`;
      },
      log: () => log,
      stop: async () => {
        this.hosts.delete(host);
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          killGroup(child.pid, 'SIGTERM');
          const t = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), 3000);
          await exited;
          clearTimeout(t);
        }
        await o.ns?.destroy();
      },
    };
    this.hosts.add(host);
    return host;
  }

  /** Stops every host, removes namespaces, users, the sudoers drop-in and the temp dir. */
  async cleanup(): Promise<void> {
    await Promise.allSettled([...this.hosts].map((h) => h.stop()));
    this.users.remove();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
