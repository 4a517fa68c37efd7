const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** "3 minutes ago" style, for lists where the exact time is in the title attribute. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return relative.format(s, 'second');
  if (abs < 3600) return relative.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(s / 3600), 'hour');
  return relative.format(Math.round(s / 86_400), 'day');
}

/** A 0..1 score as a percentage with one decimal, or an em dash when nothing was assessed. */
export function pct(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : `${(score * 100).toFixed(1)}%`;
}

export type Band = 'good' | 'fair' | 'poor' | 'none';

/** The posture band a score falls in (the same thresholds as the dashboard's legend). */
export function band(score: number | null | undefined): Band {
  if (score === null || score === undefined) return 'none';
  if (score >= 0.9) return 'good';
  if (score >= 0.7) return 'fair';
  return 'poor';
}
