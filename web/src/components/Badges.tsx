const STATUS_LABEL: Record<string, string> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error',
  not_applicable: 'N/A',
  not_assessable: 'Not assessable',
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  requested: 'Requested',
  approved: 'Approved',
  rejected: 'Rejected',
  revoked: 'Revoked',
  expired: 'Expired',
  pinned: 'Pinned',
  pending: 'Pending approval',
  retired: 'Retired',
  online: 'Online',
  degraded: 'Degraded',
  critical: 'Critical',
  down: 'Down',
  unknown: 'Unknown',
};

/** A verdict, scan, exception, key or liveness state as a coloured label (text, never colour alone). */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  const s = status ?? 'unknown';
  return <span className={`badge badge-${s}`}>{STATUS_LABEL[s] ?? s}</span>;
}

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>;
}
