/**
 * Throw-away Debian 12 roots for scenario scripts: one base root (the minbase tarball plus the packages
 * most scenarios need), then per scenario an overlay on a tmpfs inside its own mount and network
 * namespace, kept alive until our scan of it is done. The scenario and the scan both run `chroot`ed
 * into the overlay; nothing they write reaches the base or the shared machine (net.* sysctls are the
 * namespace's own, the rest of /proc/sys is read-only, audit netlink is unreachable outside the initial
 * network namespace).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalTransport } from '../../engine/index.ts';
import { shq } from '../../engine/shell/quote.ts';
import type { ExecOptions, ExecResult, Transport } from '../../engine/transport/types.ts';
import { debian12Tarball, ROOTFS_CACHE } from '../../test/helpers/debian-root.ts';

const exec = promisify(execFile);
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/**
 * What the scenario and the scan run as: root without the capabilities that reach past the namespaces
 * into the shared machine (kernel audit rules, modules, reboot, clock). `auditctl` therefore cannot read
 * the running audit rules, as in a container: audit checks judge the rule files, which is what
 * ComplianceAsCode's own checks read.
 */
const CHROOT =
  'setpriv --bounding-set -audit_control,-audit_write,-audit_read,-sys_module,-sys_boot,-sys_time chroot';
/** What a Debian server the benchmark authors test on has besides minbase. */
export const BASE_PACKAGES = [
  'openssh-server',
  'sudo',
  'auditd',
  'rsyslog',
  'cron',
  'logrotate',
  'libpam-pwquality',
  'procps',
  'kmod',
  'iproute2',
  'systemd',
  'apparmor',
  'chrony',
  'login',
  'passwd',
];

async function inBase(base: string, script: string): Promise<string> {
  const { stdout } = await exec(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      `mount -t proc proc ${shq(join(base, 'proc'))} && mount --rbind /dev ${shq(join(base, 'dev'))} && ` +
        `exec chroot ${shq(base)} /usr/bin/env -i PATH=${PATH} DEBIAN_FRONTEND=noninteractive sh -c ${shq(script)}`,
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return stdout;
}

/**
 * The base root, made once a day: the minbase tarball, BASE_PACKAGES installed (services never started:
 * policy-rc.d), and every further package a scenario asks for downloaded into apt's cache so the
 * scenario can install it offline inside its namespace. Returns the packages apt could not find and the
 * packages the base already has.
 */
export async function baseRoot(
  extra: readonly string[],
): Promise<{ base: string; missing: string[]; installed: Set<string> }> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const base = join(ROOTFS_CACHE, `scenarios-base-${day}`);
  if (!existsSync(base)) {
    const partial = `${base}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    await exec('tar', ['-C', partial, '-xf', await debian12Tarball()]);
    writeFileSync(join(partial, 'etc/resolv.conf'), readFileSync('/etc/resolv.conf'));
    writeFileSync(join(partial, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    await inBase(
      partial,
      `apt-get update -q && apt-get install -y -q --no-install-recommends ${BASE_PACKAGES.join(' ')}`,
    );
    renameSync(partial, base);
  }
  const wanted = [...new Set(extra)].sort();
  // `apt-cache policy` prints a block per package it knows; one without a candidate cannot be installed.
  const policy = wanted.length > 0 ? await inBase(base, `apt-cache policy ${wanted.map(shq).join(' ')}`) : '';
  const installable = new Set(
    policy
      .split(/\n(?=\S)/)
      .filter((b) => /Candidate: (?!\(none\))/.test(b))
      .map((b) => b.slice(0, b.indexOf(':'))),
  );
  const unknown = wanted.filter((p) => !installable.has(p));
  // Fetched once per base: the outcome of each download is remembered beside the base.
  const ledger = `${base}.downloads.json`;
  const fetched = existsSync(ledger)
    ? (JSON.parse(readFileSync(ledger, 'utf8')) as Record<string, boolean>)
    : {};
  const todo = [...installable].filter((p) => !(p in fetched));
  // One at a time: some of them conflict with each other (firewalls, MTAs), never installed together.
  const failed = new Set(
    (todo.length === 0
      ? ''
      : await inBase(
          base,
          todo
            .map(
              (p) =>
                `apt-get install -y -q --download-only --no-install-recommends ${shq(p)} >/dev/null 2>&1 || echo ${shq(p)}`,
            )
            .join('\n'),
        )
    )
      .split('\n')
      .filter(Boolean),
  );
  for (const p of todo) fetched[p] = !failed.has(p);
  writeFileSync(ledger, JSON.stringify(fetched, null, 2));
  const missing = [...unknown, ...[...installable].filter((p) => fetched[p] === false)].sort();
  const installed = new Set(
    (await inBase(base, "dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n'"))
      .split('\n')
      .filter((l) => l.startsWith('ii '))
      .map((l) => l.trim().split(/\s+/)[1] ?? ''),
  );
  return { base, missing, installed };
}

export interface ScenarioRun {
  /** The scenario script's exit status (null when it timed out). */
  code: number | null;
  log: string;
  transport: Transport;
  /** Ends the namespace: its tmpfs and every mount go with it. */
  dispose(): void;
}

const READY = 'OW_SCENARIO_READY';

/**
 * Runs one scenario in a fresh overlay of `base` and keeps its namespace open for the scan.
 * `files` is the rendered test directory of the rule, `shared` the suite's shared helpers ($SHARED).
 */
export async function runScenario(o: {
  base: string;
  work: string;
  files: string;
  shared: string;
  script: string;
  packages: readonly string[];
  timeoutMs: number;
}): Promise<ScenarioRun> {
  mkdirSync(o.work, { recursive: true });
  const r = join(o.work, 'r');
  const setup = [
    'set -e',
    `mount -t tmpfs -o size=2g,mode=0755 ow-scenario ${shq(o.work)}`,
    `mkdir ${shq(join(o.work, 'u'))} ${shq(join(o.work, 'w'))} ${shq(r)}`,
    `mount -t overlay overlay -o ${shq(`lowerdir=${o.base},upperdir=${join(o.work, 'u')},workdir=${join(o.work, 'w')}`)} ${shq(r)}`,
    `mount -t proc proc ${shq(join(r, 'proc'))}`,
    `mount --bind ${shq(join(r, 'proc/sys/net'))} ${shq(join(r, 'proc/sys/net'))}`,
    `mount --rbind ${shq(join(r, 'proc/sys'))} ${shq(join(r, 'proc/sys'))}`,
    `mount -o remount,bind,ro ${shq(join(r, 'proc/sys'))}`,
    `mount --rbind /dev ${shq(join(r, 'dev'))}`,
    `mount -t tmpfs tmpfs ${shq(join(r, 'run'))}`,
    `mkdir -p ${shq(join(r, 'ow-scenario'))}`,
    `cp -a ${shq(o.files)} ${shq(join(r, 'ow-scenario/rule'))}`,
    `cp -a ${shq(o.shared)} ${shq(join(r, 'ow-scenario/shared'))}`,
    'set +e',
    ...(o.packages.length > 0
      ? [
          `${CHROOT} ${shq(r)} /usr/bin/env -i PATH=${PATH} DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-download --no-install-recommends ${o.packages.map(shq).join(' ')} >${shq(join(o.work, 'log'))} 2>&1 || { echo "${READY} 250"; exec sleep infinity; }`,
        ]
      : []),
    `timeout ${Math.ceil(o.timeoutMs / 1000)} ${CHROOT} ${shq(r)} /usr/bin/env -i PATH=${PATH} HOME=/root TERM=dumb SHARED=/ow-scenario/shared ` +
      `bash -c ${shq(`cd /ow-scenario/rule && exec bash -x ./${o.script}`)} >>${shq(join(o.work, 'log'))} 2>&1`,
    `echo "${READY} $?"`,
    'exec sleep infinity',
  ].join('\n');
  const child: ChildProcess = spawn(
    'unshare',
    [
      '--mount',
      '--net',
      '--uts',
      '--ipc',
      '--pid',
      '--fork',
      '--kill-child',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      setup,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  const dispose = () => {
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(o.work, { recursive: true, force: true });
  };
  const code = await new Promise<number | null>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = new RegExp(`${READY} (\\d+)`).exec(out);
      if (m) resolve(Number(m[1]) === 124 ? null : Number(m[1]));
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => reject(new Error(`scenario namespace ended (${c}): ${err.trim()}`)));
  }).catch((e: unknown) => {
    dispose();
    throw e;
  });
  if (pid === undefined) throw new Error('unshare did not start');
  const local = new LocalTransport();
  const log = (await local.exec(`nsenter -t ${pid} -m cat ${shq(join(o.work, 'log'))}`)).stdout.toString();
  return { code, log, transport: new ChrootTransport(pid, r), dispose };
}

/**
 * The engine's scripts, run as sshd would run them on a host, but inside a scenario's namespace and
 * `chroot`ed into its root.
 */
export class ChrootTransport implements Transport {
  readonly target: string;
  private readonly local = new LocalTransport();

  constructor(
    private readonly pid: number,
    private readonly root: string,
  ) {
    this.target = `chroot:${root}`;
  }

  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    return this.local.exec(
      `nsenter -t ${this.pid} -m -n -u -i --pid=/proc/${this.pid}/ns/pid_for_children -- ${CHROOT} ${shq(this.root)} /usr/bin/env -i PATH=${PATH} HOME=/root LANG=C.UTF-8 /bin/sh -c ${shq(command)}`,
      options,
    );
  }

  async close(): Promise<void> {}
}
