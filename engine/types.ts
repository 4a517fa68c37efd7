/** Shared result and report shapes: the engine's public vocabulary. */

export type Status = 'pass' | 'fail' | 'error' | 'not_applicable' | 'not_assessable';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Why a rule does not apply to a host. */
export type NotApplicableReason = 'platform' | 'capability' | 'dependency';

/** One piece of proof behind a verdict. */
export interface Evidence {
  /** `file:line`, or the command that produced the value (`sshd -T`, `stat /etc/shadow`). */
  source: string;
  /** The raw observed value; null when the thing looked for is absent. */
  observed: string | null;
  /** The expectation in words (`permitrootlogin == no`). */
  expected: string;
  note?: string;
}

export interface References {
  cis?: Partial<Record<string, string[]>>;
  stig?: string[];
  nist_800_53?: string[];
  pci_dss_4?: string[];
  cac?: string[];
}

export interface RuleResult {
  rule_id: string;
  title: string;
  severity: Severity;
  status: Status;
  reason?: string;
  references: References;
  evidence: Evidence[];
  /** How to fix a failure, from the rule (prose with configuration snippets). */
  remediation?: string;
  /** A shell fix for a failure where every part of the check is a setting we know how to write; text only. */
  shell_fix?: string;
}

export interface Platform {
  /** debian | ubuntu | rhel | unknown */
  family: string;
  /** os-release ID (rocky, almalinux, …). */
  id: string;
  version: string;
  name: string;
}

export interface ScanTiming {
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** Wall time of the collection round trips, traversal excluded. */
  collect_ms: number;
  /** Filesystem traversal time: its own exec's wall time, or measured on the host when inline. */
  traversal_ms: number;
  evaluate_ms: number;
  /** Opening the connection (TCP, SSH handshake, host-key check, authentication), when the caller timed it. */
  connect_ms?: number;
}

export interface ScanStats {
  round_trips: number;
  bytes_sent: number;
  bytes_received: number;
  facts: number;
  truncated_facts: string[];
}

export interface ScanSummary {
  total: number;
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
  not_assessable: number;
}

export interface ScanReport {
  host: string;
  platform: Platform;
  capabilities: string[];
  timing: ScanTiming;
  stats: ScanStats;
  results: RuleResult[];
  summary: ScanSummary;
}
