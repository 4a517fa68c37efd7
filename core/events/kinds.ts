/**
 * The registry of event kinds the event log carries (docs/events.md documents each with its data).
 * Emitting a kind not listed here is a type error.
 */
export const EVENT_KINDS = {
  'scan.queued': 'A scan of the host was requested (API, schedule, group scan) and waits for a runner',
  'scan.started': 'A runner began a scan of the host',
  'scan.completed': 'A scan finished and its results were recorded (counts and score in data)',
  'scan.failed': 'A scan ended without results (error code in data)',
  'scan.cancelled': 'A queued or running scan was cancelled (its status before, who cancelled it)',
  'rule.regressed': 'A rule that passed on the host fails now',
  'rule.recovered': 'A rule that failed on the host passes now',
  'score.band_changed': "The host's score moved into another band (compliant, good, fair, poor)",
  'drift.detected': "A scan changed the host's score (delta in points, newly failing rules per severity)",
  'host.liveness_changed': "The host's liveness band changed (from, to, detail)",
  'host_key.changed': 'The host offered an SSH key other than the pinned one; nothing ran',
  'host.discovered': "The host's facts were discovered for the first time",
  'host.facts_changed': "Discovery found the host's OS or kernel changed",
  'exception.requested': 'A rule exception was requested',
  'exception.decided': 'A rule exception was approved or rejected',
  'exception.expiring': 'An approved exception expires within 72 hours',
  'exception.expired': 'An approved exception passed its expiry',
  'credential.rotated': "An SSH credential's secret was replaced",
  'intel.package_added': 'A package was installed on the host (name, version, arch)',
  'intel.package_removed': 'A package was removed from the host',
  'intel.package_upgraded': "A package's version changed (from, to)",
  'intel.port_opened': 'A new listening port (proto, address, port, process)',
  'intel.port_closed': 'A listening port is gone',
  'intel.user_added': 'A local user appeared (critical when its uid is 0)',
  'intel.user_removed': 'A local user is gone',
  'intel.user_changed': "A local user's uid, shell, home or password aging changed (critical on a new uid 0)",
  'intel.section_changed': 'Services, groups, interfaces, routes, mounts or the kernel changed (counts)',
  'alert.fired': 'An alert opened (or an open one saw the condition again)',
  'alert.changed': 'An alert was acknowledged, silenced, resolved or dismissed',
} as const;

export type EventKind = keyof typeof EVENT_KINDS;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Severity order for "severity ≥": low 1 … critical 4. */
export function severityRank(s: string | null | undefined): number {
  return s ? SEVERITIES.indexOf(s as Severity) + 1 : 0;
}

/** One event to append: what happened, to which host and rule, how severe, and where the console links. */
export interface NewEvent {
  kind: EventKind;
  hostId?: string | null;
  ruleId?: string | null;
  severity?: Severity | null;
  link?: string | null;
  data?: Record<string, unknown>;
  occurredAt?: Date;
}

/** Console paths events link to (the console's routes, not API paths). */
export const links = {
  host: (hostId: string) => `/hosts/${hostId}`,
  scan: (scanId: string) => `/scans/${scanId}`,
  hostRule: (hostId: string, ruleId: string) => `/hosts/${hostId}/results?rule=${encodeURIComponent(ruleId)}`,
  exception: (id: string) => `/exceptions/${id}`,
  credential: (id: string) => `/credentials/${id}`,
  alert: (id: string) => `/alerts/${id}`,
};
