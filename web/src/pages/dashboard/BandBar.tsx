/** A stacked bar with a legend: how many hosts fall in each band. */
export function BandBar({
  title,
  counts,
  order,
  labels,
}: {
  title: string;
  counts: Record<string, number>;
  order: string[];
  labels: Record<string, string>;
}) {
  const total = order.reduce((n, k) => n + (counts[k] ?? 0), 0);
  return (
    <div className="bandbar">
      <h3>{title}</h3>
      <div className="bar" aria-hidden="true">
        {order.map((k) =>
          counts[k] ? (
            <span key={k} className={`seg seg-${k}`} data-share={counts[k] / total} ref={width} />
          ) : null,
        )}
      </div>
      <ul className="legend">
        {order.map((k) => (
          <li key={k}>
            <span className={`dot seg-${k}`} aria-hidden="true" />
            {labels[k]} <strong>{counts[k] ?? 0}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

// Widths are set through the CSSOM, which the CSP allows (a style attribute in markup would not be).
function width(el: HTMLSpanElement | null) {
  if (el) el.style.width = `${Number(el.dataset.share) * 100}%`;
}
