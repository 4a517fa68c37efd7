import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TrendPoint {
  /** ISO time of the day's end. */
  at: string;
  /** 0..1, or null when nothing was assessed that day. */
  score: number | null;
}

/** Compliance score over time: a line in percent with dated x and percent y axes. */
export default function TrendChart({ points, label }: { points: TrendPoint[]; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const xs = points.map((p) => new Date(p.at).getTime() / 1000);
    const ys = points.map((p) => (p.score === null ? null : Math.round(p.score * 1000) / 10));
    const plot = new uPlot(
      {
        width: node.clientWidth || 600,
        height: 220,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: [0, 100] } },
        axes: [
          { stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d1d5db' } },
          {
            stroke: '#4b5563',
            grid: { stroke: '#eef0f3' },
            ticks: { stroke: '#d1d5db' },
            values: (_u, vals) => vals.map((v) => `${v}%`),
            label: 'Score (%)',
            labelSize: 16,
            size: 56,
          },
        ],
        series: [
          { label: 'Date' },
          {
            label,
            stroke: '#1f6feb',
            width: 2,
            fill: 'rgba(31,111,235,0.08)',
            spanGaps: true,
            points: { show: true, size: 5 },
          },
        ],
      },
      [xs, ys],
      node,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: node.clientWidth, height: 220 }));
    resize.observe(node);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points, label]);
  return <div ref={el} className="chart" role="img" aria-label={`${label}, last ${points.length} days`} />;
}
