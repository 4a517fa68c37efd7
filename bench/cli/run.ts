/**
 * `npm run bench -- cli [--runs 7] [--bin PATH]`: the CLI's own cost. Medians of wall time over fresh
 * processes for `openwatch version`, `openwatch scan --help`, and a scan of this machine over loopback SSH
 * (a real sshd started here, a plain /bin/sh user through `sudo -n`, `--traversal skip`), where the figure
 * is the process's wall time minus the scan as the report states it (`connect_ms`: TCP, SSH handshake,
 * host key, authentication; `duration_ms`: probe, collect, evaluate): what the CLI spends starting,
 * loading rules and writing the report.
 * `--bin` points at another checkout's bin/openwatch.js to measure a "before" the same way; given more than
 * once, the builds take turns run by run, so a noisy machine's drift falls on all of them alike.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SshLab } from '../../test/helpers/sshd.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    bin: { type: 'string', multiple: true },
  },
});
const RUNS = Number(args.runs);
const BINS = args.bin?.length
  ? args.bin
  : [fileURLToPath(new URL('../../bin/openwatch.js', import.meta.url))];

function run(bin: string, argv: string[]): Promise<{ ms: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, stdout, code }));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function measure(label: string, argv: string[], outside?: (stdout: string) => number): Promise<void> {
  for (const bin of BINS) await run(bin, argv); // warm-up: page cache
  const walls = BINS.map(() => [] as number[]);
  const rests = BINS.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++)
    for (const [b, bin] of BINS.entries()) {
      const r = await run(bin, argv);
      walls[b]?.push(r.ms);
      if (outside) rests[b]?.push(r.ms - outside(r.stdout));
    }
  for (const [b, bin] of BINS.entries()) {
    const w = walls[b] ?? [];
    const extra = outside ? `, outside the scan ${median(rests[b] ?? []).toFixed(0)} ms` : '';
    const who = BINS.length > 1 ? ` [${bin}]` : '';
    console.log(
      `${label}${who}: median wall ${median(w).toFixed(0)} ms${extra} (runs: ${w.map((x) => x.toFixed(0)).join(' ')})`,
    );
  }
}

console.log(`openwatch CLI bench: ${BINS.join(', ')}, median of ${RUNS} after 1 warm-up`);
await measure('openwatch version', ['version']);
await measure('openwatch scan --help', ['scan', '--help']);
const lab = await SshLab.create();
try {
  const host = await lab.startHost();
  const user = lab.users.sudoNopasswd.name;
  await measure(
    'openwatch scan (loopback ssh, --traversal skip)',
    [
      'scan',
      `${user}@${host.address}:${host.port}`,
      '--key',
      lab.keys.clientKeyPath,
      '--host-key-fingerprint',
      host.hostKeyFingerprint,
      '--sudo',
      '--traversal',
      'skip',
      '--format',
      'json',
    ],
    (stdout) => {
      const { timing } = JSON.parse(stdout) as { timing: { duration_ms: number; connect_ms?: number } };
      return timing.duration_ms + (timing.connect_ms ?? 0);
    },
  );
} finally {
  await lab.cleanup();
}
