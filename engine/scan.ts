import { randomBytes } from 'node:crypto';
import { decodeSection } from './facts/framing.ts';
import { FactStore, type RawFact } from './facts/store.ts';
import { parseCapabilities, probeBody } from './collect/probe.ts';
import { prologue, SECTION_CAP } from './collect/prologue.ts';
import { runScript, type ExecCounters, type RunOptions } from './collect/run.ts';
import { buildCollectScript } from './collect/script.ts';
import { sectionsToFacts } from './collect/split.ts';
import { traversalBody } from './collect/traversal.ts';
import { WALK_CAP } from './collect/prologue.ts';
import { evaluatePlans } from './eval/evaluate.ts';
import { planRule } from './eval/plan.ts';
import { platformFromOsRelease } from './platform/os-release.ts';
import { resolveVariables } from './rules/variables.ts';
import type { Rule } from './rules/types.ts';
import type { Transport } from './transport/types.ts';
import type { RuleResult, ScanReport, ScanSummary } from './types.ts';

export type TraversalMode = 'inline' | 'separate' | 'skip';

export interface ScanOptions extends RunOptions {
  transport: Transport;
  rules: readonly Rule[];
  /** Variable overrides: `name` or `rule_id.name` → string, validated by the variable's type. */
  vars?: Record<string, string>;
  /** inline (default): the walk is the last section of the one script; separate: its own exec; skip. */
  traversal?: TraversalMode;
  /** Evaluation clock (shadow ages); defaults to now. */
  now?: Date;
  /** Walk these absolute paths instead of every local mount (tests, targeted scans). */
  traversalRoots?: string[];
}

/**
 * Why the first round trip found no probe output. `channel_closed`: the session ended without printing
 * anything; `output_overflow`: the host printed past the output cap without the scan's framing;
 * `probe_failed`: output came back, but not the probe's.
 */
export type ProbeFailure = 'channel_closed' | 'output_overflow' | 'probe_failed';

export class ProbeError extends Error {
  constructor(
    readonly code: ProbeFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** The ProbeError for a probe whose sections are missing: what happened, and what to check. */
function probeError(p: {
  code: number | null;
  stderr: string;
  bytes: number;
  truncated: boolean;
}): ProbeError {
  const exit = `exit ${p.code ?? 'by signal'}`;
  const stderr = p.stderr.trim() === '' ? '' : `; stderr: ${p.stderr.trim().slice(0, 200)}`;
  if (p.truncated)
    return new ProbeError(
      'output_overflow',
      `the host printed more than ${Math.round(p.bytes / 2 ** 20)} MiB instead of running the scan (output cut there, ${exit}): ` +
        'something in the account’s session (an sshd ForceCommand, a shell profile or a login program) writes to ' +
        'standard output in place of `sh -s`; run `ssh <user>@<host> sh -s </dev/null` to see it and fix that account',
    );
  if (p.bytes === 0)
    return new ProbeError(
      'channel_closed',
      `the host closed the session without any output (${exit}${stderr}): the account’s shell or an sshd ` +
        'ForceCommand ended it before the scan ran; check that `ssh <user>@<host> sh -s` starts a POSIX shell',
    );
  return new ProbeError(
    'probe_failed',
    `the host answered ${p.bytes} bytes without the scan's probe output (${exit}${stderr}): its shell did not ` +
      'run the script as sent; check that the account’s login shell is a POSIX shell and that nothing replaces the command',
  );
}

function summarize(results: readonly RuleResult[]): ScanSummary {
  const s: ScanSummary = {
    total: results.length,
    pass: 0,
    fail: 0,
    error: 0,
    not_applicable: 0,
    not_assessable: 0,
  };
  for (const r of results) s[r.status] += 1;
  return s;
}

/**
 * Scans one host: a probe round trip (os-release, capabilities), one batched collection script for every
 * fact the applicable rules need, optionally a separate traversal exec, then evaluation in TypeScript.
 * Invalid variables throw VariableError before anything is sent; transport failures propagate.
 */
export async function scanHost(opts: ScanOptions): Promise<ScanReport> {
  const started = new Date();
  const t0 = performance.now();
  const values = resolveVariables(opts.rules, opts.vars ?? {});
  const mode = opts.traversal ?? 'inline';
  const nonce = randomBytes(16).toString('hex');
  const counters: ExecCounters = { roundTrips: 0, bytesSent: 0, bytesReceived: 0 };
  const run = {
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };

  const probe = await runScript(opts.transport, prologue(nonce) + probeBody(), nonce, counters, run);
  const probeText = (key: string): string | undefined => {
    const s = probe.sections.find((x) => x.key === key);
    return s ? decodeSection(s.body, SECTION_CAP).text : undefined;
  };
  const osRelease = probeText('os_release');
  if (osRelease === undefined) {
    throw probeError(probe);
  }
  const platform = platformFromOsRelease(osRelease);
  const capabilities = parseCapabilities(probeText('capabilities') ?? '');
  const caps = new Set(capabilities);
  const kernel = (probeText('uname') ?? '').trim();

  const plans = opts.rules.map((r) => planRule(r, platform, caps, values.get(r.id) ?? {}));
  const keys = new Set(plans.flatMap((p) => p.facts));
  const wantsWalk = keys.has('fs_walk');
  const ctx = {
    caps,
    kernel: /^[A-Za-z0-9._+-]+$/.test(kernel) ? kernel : 'unknown',
    ...(opts.traversalRoots ? { walkRoots: opts.traversalRoots } : {}),
  };

  let collectMs = probe.ms;
  let traversalMs = 0;
  const facts = new Map<string, RawFact>();
  const mainKeys = [...keys].filter((k) => k !== 'fs_walk');
  if (mainKeys.length > 0 || (wantsWalk && mode === 'inline')) {
    const script = prologue(nonce) + buildCollectScript(keys, ctx, wantsWalk && mode === 'inline');
    const res = await runScript(opts.transport, script, nonce, counters, run);
    for (const [k, v] of sectionsToFacts(res.sections, keys)) facts.set(k, v);
    collectMs += res.ms;
    if (wantsWalk && mode === 'inline') {
      const ns = Number((facts.get('meta:traversal_ns')?.text ?? '').trim());
      traversalMs = Number.isFinite(ns) ? ns / 1e6 : 0;
      collectMs -= traversalMs;
    }
  }
  if (wantsWalk && mode === 'separate') {
    const res = await runScript(
      opts.transport,
      prologue(nonce, WALK_CAP) + traversalBody(WALK_CAP, opts.traversalRoots),
      nonce,
      counters,
      run,
    );
    for (const [k, v] of sectionsToFacts(res.sections, keys)) facts.set(k, v);
    traversalMs = res.ms;
  }
  if (wantsWalk && mode === 'skip')
    facts.set('fs_walk', {
      text: '',
      rc: null,
      truncated: false,
      skipped: 'filesystem traversal skipped for this scan',
    });
  facts.delete('meta:traversal_ns');

  const store = new FactStore(facts);
  const e0 = performance.now();
  const results = evaluatePlans(plans, { store, platform, caps, now: opts.now ?? new Date() });
  const evaluateMs = performance.now() - e0;
  const finished = new Date();
  return {
    host: opts.transport.target,
    platform,
    capabilities,
    timing: {
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: Math.round(performance.now() - t0),
      collect_ms: Math.round(collectMs),
      traversal_ms: Math.round(traversalMs),
      evaluate_ms: Math.round(evaluateMs),
    },
    stats: {
      round_trips: counters.roundTrips,
      bytes_sent: counters.bytesSent,
      bytes_received: counters.bytesReceived,
      facts: store.size,
      truncated_facts: store.truncatedKeys(),
    },
    results,
    summary: summarize(results),
  };
}
