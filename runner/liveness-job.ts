import net from 'node:net';
import { z } from 'zod';
import { hostById } from '../core/db/sql/hosts.ts';
import { livenessForUpdate, recordLiveness } from '../core/db/sql/discovery.ts';
import { emitLivenessChanged } from '../core/events/host-events.ts';
import { classify, decideLiveness, type ProbeOutcome } from '../core/fleet/liveness.ts';
import type { Logger } from '../core/log.ts';
import { TransportError } from '../engine/transport/types.ts';
import { connectHost, HostJobFailure, type ConnectDeps, type OpenedHost } from './connect-host.ts';
import { PermanentJobError, type JobHandler } from './job-loop.ts';

const payloadSchema = z.object({ host_id: z.uuid() }).strict();
const BANNER_MAX = 255;

export interface LivenessJobDeps extends ConnectDeps {
  log: Logger;
  /** Budget for the TCP connect and the SSH identification line. */
  bannerTimeoutMs: number;
}

/** TCP connect and the server's identification line (`SSH-2.0-…`, RFC 4253 §4.2; other lines may precede it). */
export function probeBanner(
  address: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ tcp: boolean; banner: string | undefined; error?: string }> {
  return new Promise((resolve) => {
    let tcp = false;
    let buf = '';
    const socket = net.connect({ host: address, port });
    const done = (banner: string | undefined, error?: string) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ tcp, banner, ...(error !== undefined ? { error } : {}) });
    };
    const onAbort = () => done(undefined, 'aborted');
    const timer = setTimeout(
      () => done(undefined, tcp ? 'no SSH banner in time' : 'TCP connect timed out'),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort);
    socket.once('connect', () => {
      tcp = true;
    });
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (const line of buf.split('\n').slice(0, -1)) {
        if (line.startsWith('SSH-')) return done(line.replace(/\r$/, '').slice(0, BANNER_MAX));
      }
      if (buf.length > 8192) done(undefined, 'no SSH banner in the first 8 KiB');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(undefined, err.code ?? err.message));
    socket.once('close', () => done(undefined, tcp ? 'closed before an SSH banner' : 'connection closed'));
  });
}

async function observe(
  deps: LivenessJobDeps,
  hostId: string,
  signal: AbortSignal,
): Promise<{ outcome: ProbeOutcome; detail: string | null }> {
  const host = await hostById(deps.db, hostId);
  if (!host) throw new PermanentJobError('the host no longer exists');
  const none: ProbeOutcome = { tcp: false, banner: false, auth: false, sudo: false };
  const b = await probeBanner(host.address, host.port, deps.bannerTimeoutMs, signal);
  if (!b.tcp || b.banner === undefined)
    return { outcome: { ...none, tcp: b.tcp }, detail: b.error ?? 'no SSH banner' };
  const reached = { ...none, tcp: true, banner: true };
  let opened: OpenedHost | undefined;
  try {
    opened = await connectHost(deps, hostId, signal);
  } catch (err) {
    if (err instanceof HostJobFailure && err.code === 'host_not_found')
      throw new PermanentJobError(err.message);
    if (!(err instanceof HostJobFailure || err instanceof TransportError)) throw err;
    return { outcome: reached, detail: `${err.code}: ${err.message}` };
  }
  try {
    // `true` through the same transport a scan uses: `sudo -n true` (or with the sudo password) when
    // the host runs collection through sudo.
    await opened.transport.exec('true', { timeoutMs: deps.connectTimeoutMs, signal });
    return { outcome: { ...reached, auth: true, sudo: true }, detail: null };
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    return { outcome: { ...reached, auth: true }, detail: `${err.code}: ${err.message}` };
  } finally {
    await opened.close().catch(() => undefined);
  }
}

/**
 * Runs one liveness check: TCP → SSH banner → authentication → sudo, classified and recorded with
 * hysteresis (core/fleet/liveness.ts) under the host's row lock. What the host answers is the result,
 * so an unreachable host is a completed check, not a failed job.
 */
export function livenessJobHandler(deps: LivenessJobDeps): JobHandler {
  return async (job, signal) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('malformed liveness job payload');
    const hostId = parsed.data.host_id;
    const { outcome, detail } = await observe(deps, hostId, signal);
    if (signal.aborted) return;
    const observed = classify(outcome);
    const decision = await deps.db.transaction(async (tx) => {
      const row = await livenessForUpdate(tx, hostId);
      if (!row) return undefined;
      const d = decideLiveness({ state: row.liveness, lastObserved: row.liveness_observed }, observed);
      await recordLiveness(tx, hostId, { state: d.state, observed, detail });
      if (d.changed) await emitLivenessChanged(tx, hostId, row.liveness, d.state, detail);
      return { ...d, previous: row.liveness };
    });
    if (decision?.changed) {
      deps.log.info('host liveness changed', {
        host_id: hostId,
        from: decision.previous,
        to: decision.state,
        ...(detail !== null ? { detail } : {}),
      });
    }
  };
}
