import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive, run, runQuiet } from './sshd-sys.ts';

/**
 * Network namespaces for test hosts. Each namespace takes a numbered slot, claimed with an atomic mkdir
 * under /run so parallel test files never collide, and gets a veth pair on a /30 of 10.200.0.0/16:
 * slot n → host side 10.200.0.0+4n+1, namespace side +2. net.* sysctls are per namespace, so hosts in
 * different namespaces can give different sysctl verdicts.
 */
export interface Netns {
  slot: number;
  name: string;
  hostIf: string;
  /** Address of the host inside the namespace; what a scanner connects to. */
  address: string;
  hostAddress: string;
  destroy(): Promise<void>;
}

const SLOTS_DIR = '/run/openwatch-test/netns-slots';
const MAX_SLOTS = 16384;

function addr(slot: number, offset: number): string {
  const n = slot * 4 + offset;
  return `10.200.${(n >> 8) & 255}.${n & 255}`;
}

const names = (slot: number) => ({ name: `owt-${slot}`, hostIf: `owth${slot}`, nsIf: `owtn${slot}` });

function releaseSlotSync(slot: number): void {
  const { name, hostIf } = names(slot);
  runQuiet('ip', ['netns', 'del', name]);
  runQuiet('ip', ['link', 'del', hostIf]);
  rmSync(join(SLOTS_DIR, String(slot)), { recursive: true, force: true });
}

/** Frees slots whose owning process has died (a crashed test run). */
export function sweepStaleNetns(): void {
  mkdirSync(SLOTS_DIR, { recursive: true });
  for (const entry of readdirSync(SLOTS_DIR)) {
    let pid = NaN;
    try {
      pid = Number(readFileSync(join(SLOTS_DIR, entry, 'pid'), 'utf8'));
    } catch {
      // A slot whose pid file is not written yet belongs to a process that is creating it right now,
      // unless the directory is old; leave it.
      continue;
    }
    if (!pidAlive(pid)) releaseSlotSync(Number(entry));
  }
}

function claimSlot(): number {
  mkdirSync(SLOTS_DIR, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    try {
      mkdirSync(join(SLOTS_DIR, String(slot)));
    } catch {
      continue;
    }
    writeFileSync(join(SLOTS_DIR, String(slot), 'pid'), String(process.pid));
    return slot;
  }
  throw new Error('no free network namespace slot');
}

const live = new Set<number>();
let exitHookInstalled = false;

/** Creates a namespace with loopback up and a veth link to the host. */
export async function createNetns(): Promise<Netns> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const slot of live) releaseSlotSync(slot);
    });
  }
  const slot = claimSlot();
  live.add(slot);
  const { name, hostIf, nsIf } = names(slot);
  const hostAddress = addr(slot, 1);
  const address = addr(slot, 2);
  try {
    await run(
      'ip',
      ['-batch', '-'],
      [
        `netns add ${name}`,
        `link add ${hostIf} type veth peer name ${nsIf} netns ${name}`,
        `addr add ${hostAddress}/30 dev ${hostIf}`,
        `link set ${hostIf} up`,
        '',
      ].join('\n'),
    );
    await run(
      'ip',
      ['-n', name, '-batch', '-'],
      [`link set lo up`, `addr add ${address}/30 dev ${nsIf}`, `link set ${nsIf} up`, ''].join('\n'),
    );
  } catch (err) {
    live.delete(slot);
    releaseSlotSync(slot);
    throw err;
  }
  return {
    slot,
    name,
    hostIf,
    address,
    hostAddress,
    destroy: () => {
      if (live.delete(slot)) releaseSlotSync(slot);
      return Promise.resolve();
    },
  };
}

/** Sets net.* sysctls inside a namespace (they are per-namespace; others would leak to the host). */
export async function setNetnsSysctls(ns: Netns, sysctls: Record<string, string>): Promise<void> {
  const pairs = Object.entries(sysctls);
  if (pairs.length === 0) return;
  for (const [key] of pairs) {
    if (!key.startsWith('net.'))
      throw new Error(`sysctl ${key} is not per-namespace; only net.* may differ per host`);
  }
  await run('ip', ['netns', 'exec', ns.name, 'sysctl', '-q', '-w', ...pairs.map(([k, v]) => `${k}=${v}`)]);
}
