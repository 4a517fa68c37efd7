/** A posture's verdict counts as the pass / fail / error / N/A list the host and group cards show. */
export function CountsList({
  counts,
  testId,
}: {
  counts: { pass: number; fail: number; error: number; not_applicable: number };
  testId?: string;
}) {
  return (
    <dl className="counts" data-testid={testId}>
      <div>
        <dt>Pass</dt>
        <dd className="c-pass">{counts.pass}</dd>
      </div>
      <div>
        <dt>Fail</dt>
        <dd className="c-fail">{counts.fail}</dd>
      </div>
      <div>
        <dt>Error</dt>
        <dd>{counts.error}</dd>
      </div>
      <div>
        <dt>N/A</dt>
        <dd>{counts.not_applicable}</dd>
      </div>
    </dl>
  );
}
