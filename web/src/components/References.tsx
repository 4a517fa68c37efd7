const LABEL: Record<string, string> = {
  cis: 'CIS',
  stig: 'DISA STIG',
  nist_800_53: 'NIST 800-53',
  pci_dss_4: 'PCI DSS 4',
  cac: 'ComplianceAsCode',
};

function flatten(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([k, ids]) => flatten(ids).map((id) => `${id} (${k})`));
  }
  return typeof v === 'string' || typeof v === 'number' ? [String(v)] : [];
}

/** A rule's framework references: CIS per benchmark, STIG, NIST, PCI and its ComplianceAsCode id. */
export function References({ refs }: { refs: Record<string, unknown> }) {
  const entries = Object.entries(refs).filter(([, v]) => flatten(v).length > 0);
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <dl className="refs">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{LABEL[k] ?? k}</dt>
          <dd>
            {flatten(v).map((id) => (
              <span key={id} className="tag mono">
                {id}
              </span>
            ))}
          </dd>
        </div>
      ))}
    </dl>
  );
}
