// Time-series charts with uPlot (made for large series: 10k+ points without lag), cursors synced
// across the charts of a page, and SVG sparklines for table rows.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { zone } from '../format';

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
  /** Bars rather than a line (volumes). */
  bars?: boolean;
  /** Points only (a scatter). */
  points?: boolean;
}

const tzDate = (ts: number) => (zone() === 'UTC' ? uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : new Date(ts * 1000));

export function Chart(props: {
  title: string;
  /** Unix seconds. */
  x: number[];
  series: Series[];
  format?: (v: number) => string;
  height?: number;
  sync?: string;
  onPick?: (index: number, seriesIndex: number) => void;
  /** The time range shown (Unix ms), whatever the data covers. */
  range?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = props.format ?? ((v: number) => String(v));
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const plot = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height: props.height ?? 180,
        tzDate,
        cursor: props.sync ? { sync: { key: props.sync } } : {},
        legend: { show: true },
        scales: {
          x: { time: true, ...(props.range ? { range: [props.range[0] / 1000, props.range[1] / 1000] } : {}) },
        },
        axes: [{}, { values: (_u, vals) => vals.map((v) => fmt(v)), size: 70 }],
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.bars ? `${s.color}99` : undefined,
            width: s.points ? 0 : 1.5,
            paths: s.points ? () => null : s.bars ? bars : undefined,
            // Few points: draw them, or a lone value would be invisible.
            points:
              s.points || props.x.length < 3
                ? { show: true, size: 7, fill: s.color, stroke: s.color }
                : { show: false },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
          })),
        ],
        hooks: props.onPick
          ? {
              init: [
                (u: uPlot) => {
                  u.over.addEventListener('click', () => {
                    const i = u.cursor.idx;
                    if (i !== null && i !== undefined) props.onPick?.(i, 1);
                  });
                },
              ],
            }
          : {},
      },
      [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(240, el.clientWidth), height: props.height ?? 180 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.x, props.series, props.height, props.range?.[0], props.range?.[1]]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}

/** A small line of the last values, for a table row. */
export function Sparkline({ values, color = '#3b6fd8', label }: { values: number[]; color?: string; label: string }) {
  if (values.length < 2) return <span class="spark-none">–</span>;
  const max = Math.max(...values, 1e-9);
  const w = 90;
  const h = 22;
  const pts = values.map(
    (v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - (v / max) * (h - 2) - 1).toFixed(1)}`,
  );
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={pts.join(' ')} fill="none" stroke={color} stroke-width="1.5" />
    </svg>
  );
}

export const COLORS = ['#3b6fd8', '#d8543b', '#2a9d5b', '#9b59b6', '#e6a23c', '#16a2b8', '#7f8c8d', '#c0392b'];
