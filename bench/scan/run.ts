/**
 * Full-corpus scan of this machine over real SSH, against OpenSCAP on the same machine.
 * Method and last results: bench/scan/README.md. Usage:
 *   npx tsx bench/scan/run.ts [--runs 5] [--rules DIR] [--skip-openscap] [--profile all|<id>] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRules, scanHost, type TraversalMode } from '../../engine/index.ts';
import type { ScanReport } from '../../engine/types.ts';
import { connectSsh } from '../../engine/transport/ssh.ts';
import { SudoTransport } from '../../engine/transport/sudo.ts';
import { SshLab, type SshdHost } from '../../test/helpers/sshd.ts';
import { ALL_RULES, pickDatastream, runOpenscap, type OscapRun } from './openscap.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    rules: { type: 'string', default: fileURLToPath(new URL('../../rules', import.meta.url)) },
    'skip-openscap': { type: 'boolean', default: false },
    profile: { type: 'string', default: ALL_RULES },
    out: { type: 'string', default: fileURLToPath(new URL('./results.json', import.meta.url)) },
    'out-dir': { type: 'string', default: join(tmpdir(), 'openwatch-bench-scan') },
  },
});
const RUNS = Number(args.runs);
const outDir = args['out-dir'];
mkdirSync(outDir, { recursive: true });

interface Sample {
  wall_ms: number;
  connect_ms: number;
  traversal_ms: number;
  rest_ms: number;
  round_trips: number;
  bytes_sent: number;
  bytes_received: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function scanOnce(
  lab: SshLab,
  host: SshdHost,
  user: string,
  sudo: boolean,
  traversal: TraversalMode,
  rules: Awaited<ReturnType<typeof loadRules>>['rules'],
): Promise<{ sample: Sample; report: ScanReport }> {
  const t0 = performance.now();
  const ssh = await connectSsh({
    host: host.address,
    port: host.port,
    username: user,
    privateKey: lab.keys.clientKey,
    hostKey: { fingerprint: host.hostKeyFingerprint },
  });
  const connectMs = performance.now() - t0;
  try {
    const report = await scanHost({ transport: sudo ? new SudoTransport(ssh) : ssh, rules, traversal });
    const wall = performance.now() - t0;
    const traversalMs = report.timing.traversal_ms;
    return {
      report,
      sample: {
        wall_ms: Math.round(wall),
        connect_ms: Math.round(connectMs),
        traversal_ms: traversalMs,
        rest_ms: Math.round(wall - traversalMs),
        round_trips: report.stats.round_trips,
        bytes_sent: report.stats.bytes_sent,
        bytes_received: report.stats.bytes_received,
      },
    };
  } finally {
    await ssh.close();
  }
}

function summarise(samples: Sample[]): Sample {
  const keys = Object.keys(samples[0] ?? {}) as Array<keyof Sample>;
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k]))])) as unknown as Sample;
}

const lab = await SshLab.create();
const results: Record<string, unknown> = {};
try {
  const { rules, errors } = await loadRules([args.rules]);
  if (errors.length) throw new Error(`corpus does not load: ${errors.length} errors`);
  const host = await lab.startHost();
  const identities = [
    { key: 'root', label: 'root login (bash, ~/.bashrc sourced per exec)', user: 'root', sudo: false },
    {
      key: 'sudo_user',
      label: `plain /bin/sh user via sudo -n (${lab.users.sudoNopasswd.name})`,
      user: lab.users.sudoNopasswd.name,
      sudo: true,
    },
  ];
  console.log(
    `OpenWatch scan bench: ${rules.length} rules, ssh to ${host.address}:${host.port}, median of ${RUNS} runs after 1 warm-up\n`,
  );
  const ours: Record<string, unknown> = {};
  for (const id of identities) {
    // `separate` runs the walk as its own exec, so its wall time splits cleanly from the rest.
    for (const mode of ['separate'] as const) {
      await scanOnce(lab, host, id.user, id.sudo, mode, rules); // warm-up: page cache, sshd re-exec, JIT
      const samples: Sample[] = [];
      let last: ScanReport | undefined;
      for (let i = 0; i < RUNS; i++) {
        const { sample, report } = await scanOnce(lab, host, id.user, id.sudo, mode, rules);
        samples.push(sample);
        last = report;
      }
      const m = summarise(samples);
      ours[`${id.key}_${mode}`] = {
        identity: id.label,
        traversal: mode,
        median: m,
        samples,
        summary: last?.summary,
      };
      if (mode === 'separate' && id.key === 'root' && last)
        writeFileSync(join(outDir, 'openwatch-report.json'), JSON.stringify(last, null, 2));
      console.log(
        `${id.label}, traversal ${mode}:\n` +
          `  wall ${m.wall_ms} ms (connect ${m.connect_ms} ms) = traversal ${m.traversal_ms} ms + rest ${m.rest_ms} ms; ` +
          `${m.round_trips} round trips, ${m.bytes_sent} B sent, ${m.bytes_received} B received; ` +
          `summary ${JSON.stringify(last?.summary)}`,
      );
    }
  }
  results.openwatch = ours;
  results.rules = rules.length;

  let oscap: OscapRun | undefined;
  const ds = pickDatastream();
  if (args['skip-openscap']) console.log('\nOpenSCAP: skipped (--skip-openscap)');
  else if (!ds)
    console.log(`\nOpenSCAP: no ssg-debian datastream found (apt-get install openscap-scanner ssg-debian)`);
  else {
    console.log(`\nOpenSCAP: ${ds.path}, profile ${args.profile} (local, no SSH) …`);
    oscap = await runOpenscap(ds, args.profile, outDir);
    const evaluated = (oscap.counts.pass ?? 0) + (oscap.counts.fail ?? 0);
    console.log(
      `  wall ${oscap.wall_ms} ms, exit ${oscap.exit_code}, results ${JSON.stringify(oscap.counts)} (${evaluated} pass/fail)` +
        (oscap.masked_debian_version ? `; /etc/debian_version masked as ${oscap.masked_debian_version}` : ''),
    );
    const rootMedian = (ours.root_separate as { median: Sample }).median.wall_ms;
    const sudoMedian = (ours.sudo_user_separate as { median: Sample }).median.wall_ms;
    const ratio = {
      vs_root: +(oscap.wall_ms / rootMedian).toFixed(1),
      vs_sudo_user: +(oscap.wall_ms / sudoMedian).toFixed(1),
    };
    console.log(
      `  OpenSCAP / OpenWatch wall time: ${ratio.vs_root}x (root), ${ratio.vs_sudo_user}x (sudo user)`,
    );
    console.log(
      `  per-rule comparison: npx tsx bench/scan/compare-openscap.ts --oscap ${oscap.results_file} --ours ${join(outDir, 'openwatch-report.json')}`,
    );
    results.openscap = { ...oscap, ratio };
  }
  results.machine = {
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    date: new Date().toISOString(),
  };
  writeFileSync(args.out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${args.out}`);
} finally {
  await lab.cleanup();
}
