/**
 * `npm run bench -- identity [runs]`: the cost of one scrypt password hash for OWASP's equivalent
 * parameter sets, on Node (node:crypto, libuv thread pool) and inside workerd (node:crypto through
 * nodejs_compat, via Miniflare — the runtime `wrangler dev` uses). workerd freezes its clocks during a
 * request, so its figures are timed from outside: the request round trip minus an empty request's.
 */
import { scrypt } from 'node:crypto';
import { Miniflare } from 'miniflare';

const SETS = [
  { ln: 17, r: 8, p: 1 },
  { ln: 16, r: 8, p: 2 },
  { ln: 15, r: 8, p: 3 },
  { ln: 14, r: 8, p: 5 },
];
const runs = Number(process.argv[2] ?? 5);

const WORKER = `
import { scrypt } from 'node:crypto';
export default {
  async fetch(req) {
    const u = new URL(req.url);
    const ln = Number(u.searchParams.get('ln'));
    if (!ln) return new Response('ok');
    const N = 2 ** ln, r = Number(u.searchParams.get('r')), p = Number(u.searchParams.get('p'));
    const key = await new Promise((resolve, reject) =>
      scrypt('correct horse battery staple', 'sixteen byte salt', 32, { N, r, p, maxmem: 129 * N * r + 1048576 },
        (err, k) => (err ? reject(err) : resolve(k))));
    return new Response(key.toString('hex'));
  },
};`;

function nodeHash(ln: number, r: number, p: number): Promise<void> {
  const N = 2 ** ln;
  return new Promise((resolve, reject) =>
    scrypt(
      'correct horse battery staple',
      'sixteen byte salt',
      32,
      { N, r, p, maxmem: 129 * N * r + 1048576 },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const mf = new Miniflare({
  modules: true,
  script: WORKER,
  compatibilityDate: '2026-04-20',
  compatibilityFlags: ['nodejs_compat'],
});
try {
  const empty: number[] = [];
  for (let i = 0; i < runs + 2; i++)
    empty.push(await timed(async () => (await mf.dispatchFetch('http://x/')).text()));
  const baseline = median(empty.slice(2));
  console.log(
    `scrypt, 32-byte key, median of ${runs} runs after one warm-up; workerd baseline ${baseline.toFixed(1)} ms`,
  );
  console.log('| parameters | memory | Node (ms) | workerd (ms) |');
  console.log('|---|---|---|---|');
  for (const s of SETS) {
    const node: number[] = [];
    const worker: number[] = [];
    await nodeHash(s.ln, s.r, s.p);
    await (await mf.dispatchFetch(`http://x/?ln=${s.ln}&r=${s.r}&p=${s.p}`)).text();
    for (let i = 0; i < runs; i++) {
      node.push(await timed(() => nodeHash(s.ln, s.r, s.p)));
      worker.push(
        (await timed(async () => (await mf.dispatchFetch(`http://x/?ln=${s.ln}&r=${s.r}&p=${s.p}`)).text())) -
          baseline,
      );
    }
    const mib = (128 * 2 ** s.ln * s.r) / 2 ** 20;
    console.log(
      `| N=2^${s.ln}, r=${s.r}, p=${s.p} | ${mib} MiB | ${median(node).toFixed(0)} | ${median(worker).toFixed(0)} |`,
    );
  }
  // Four logins at once on Node: scrypt runs on libuv's 4-thread pool, so the event loop stays free.
  const t4 = await timed(() => Promise.all([0, 1, 2, 3].map(() => nodeHash(16, 8, 2))));
  console.log(`Node, 4 concurrent N=2^16,r=8,p=2 hashes: ${t4.toFixed(0)} ms wall (${process.version})`);
} finally {
  await mf.dispose();
}
