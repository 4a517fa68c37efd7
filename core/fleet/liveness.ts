/**
 * Host liveness: what one check observed, and whether it changes the recorded state. Pure; the runner's
 * liveness job probes and stores (runner/liveness-job.ts).
 */

export const LIVENESS_STATES = ['unknown', 'online', 'degraded', 'critical', 'down'] as const;
export type Liveness = (typeof LIVENESS_STATES)[number];
export type Observation = Exclude<Liveness, 'unknown'>;

/** How far one check got: TCP connect → SSH banner → authentication → `sudo -n true`. */
export interface ProbeOutcome {
  tcp: boolean;
  banner: boolean;
  auth: boolean;
  sudo: boolean;
}

/**
 * online: everything worked; degraded: logged in but sudo was refused; critical: sshd answers but
 * authentication failed; down: no TCP connection or no SSH banner.
 */
export function classify(p: ProbeOutcome): Observation {
  if (!p.tcp || !p.banner) return 'down';
  if (!p.auth) return 'critical';
  return p.sudo ? 'online' : 'degraded';
}

export interface LivenessRecord {
  state: Liveness;
  /** The previous check's observation; null before the first check. */
  lastObserved: Observation | null;
}

/**
 * Hysteresis: the first observation is taken as it is; after that the state changes only when two
 * consecutive checks observed the same new state, so one dropped packet does not flap a host.
 */
export function decideLiveness(
  current: LivenessRecord,
  observed: Observation,
): LivenessRecord & { changed: boolean } {
  const next =
    current.state === 'unknown' || observed === current.state || current.lastObserved === observed
      ? observed
      : current.state;
  return { state: next, lastObserved: observed, changed: next !== current.state };
}
