// The service map: services in columns by call depth (callers left of callees), edges with their
// calls and error rate. SVG text nodes: a hostile service name stays text.
import { href } from '../route';
import type { Edge } from './types';

export function ServiceMap({ edges }: { edges: Edge[] }) {
  if (edges.length === 0) return <p class="empty">No calls between services in this range.</p>;
  const names = [...new Set(edges.flatMap((e) => [e.parent, e.child]))].sort();
  const depth = new Map(names.map((n) => [n, 0]));
  // Longest path from a root, bounded so a cycle ends.
  for (let i = 0; i < names.length; i++)
    for (const e of edges)
      if (e.parent !== e.child)
        depth.set(e.child, Math.max(depth.get(e.child)!, Math.min(names.length, depth.get(e.parent)! + 1)));
  const columns = new Map<number, string[]>();
  for (const n of names) columns.set(depth.get(n)!, [...(columns.get(depth.get(n)!) ?? []), n]);
  const pos = new Map<string, { x: number; y: number }>();
  for (const [d, list] of columns) for (const [i, n] of list.entries()) pos.set(n, { x: 20 + d * 220, y: 30 + i * 60 });
  const width = 40 + (Math.max(...columns.keys()) + 1) * 220;
  const height = 40 + Math.max(...[...columns.values()].map((l) => l.length)) * 60;
  return (
    <svg class="map" width={width} height={height} role="img" aria-label="service map">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" fill="#889" />
        </marker>
      </defs>
      {edges
        .filter((e) => e.parent !== e.child)
        .map((e) => {
          const a = pos.get(e.parent)!;
          const b = pos.get(e.child)!;
          return (
            <g key={`${e.parent}>${e.child}`} class={e.errorRate > 0.01 ? 'edge bad' : 'edge'}>
              <line x1={a.x + 160} y1={a.y + 15} x2={b.x} y2={b.y + 15} marker-end="url(#arrow)" />
              <text x={(a.x + 160 + b.x) / 2} y={(a.y + b.y) / 2 + 10}>
                {e.calls} calls{e.errors ? `, ${e.errors} errors` : ''}
              </text>
            </g>
          );
        })}
      {names.map((n) => {
        const p = pos.get(n)!;
        return (
          <a key={n} href={href(['services', n])}>
            <rect x={p.x} y={p.y} width={160} height={30} rx={4} class="node" />
            <text x={p.x + 8} y={p.y + 20} class="node-name">
              {n.length > 22 ? `${n.slice(0, 21)}…` : n}
            </text>
          </a>
        );
      })}
    </svg>
  );
}
