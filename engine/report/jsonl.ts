import type { Formatter } from './types.ts';

/**
 * One JSON object per line: `type: "result"` per rule, then `type: "summary"` per host; a host that
 * could not be scanned gives one `type: "error"` line. Streams well into log pipelines.
 */
export const formatJsonl: Formatter = (out) => {
  const lines: string[] = [];
  for (const r of out.reports) {
    for (const x of r.results) lines.push(JSON.stringify({ type: 'result', host: r.host, ...x }));
    lines.push(
      JSON.stringify({
        type: 'summary',
        host: r.host,
        platform: r.platform,
        summary: r.summary,
        timing: r.timing,
        stats: r.stats,
      }),
    );
  }
  for (const e of out.errors) lines.push(JSON.stringify({ type: 'error', ...e }));
  return lines.map((l) => l + '\n').join('');
};
