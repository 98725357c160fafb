// One trace as a collapsible waterfall: rows in the tree's order, each a bar on the trace's time
// line. Only the rows in view are rendered (a 2,000-span trace stays quick), and a span's details
// (attributes, events, resource, status) open beside it. Its logs are a click away.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { COLORS } from '../components/chart';
import { Problem, useLoad } from '../components/data';
import { duration, time } from '../format';
import { href } from '../route';
import type { Span } from './types';

const ROW = 24;
const VIEW_ROWS = 40;

interface Row {
  span: Span;
  depth: number;
  children: number;
}

/** Depth-first, children by start time; spans whose parent is missing start their own tree. */
function tree(spans: Span[], collapsed: Set<string>): { rows: Row[]; orphans: number } {
  const ids = new Set(spans.map((s) => s.spanId));
  const kids = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) kids.set(s.parentSpanId, [...(kids.get(s.parentSpanId) ?? []), s]);
    else roots.push(s);
  }
  const rows: Row[] = [];
  const byStart = (a: Span, b: Span) => a.startMs - b.startMs;
  const stack: Array<[Span, number]> = roots
    .sort(byStart)
    .reverse()
    .map((s) => [s, 0]);
  while (stack.length) {
    const [s, depth] = stack.pop()!;
    const children = (kids.get(s.spanId) ?? []).sort(byStart);
    rows.push({ span: s, depth, children: children.length });
    if (!collapsed.has(s.spanId)) for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, depth + 1]);
  }
  return { rows, orphans: roots.filter((r) => r.parentSpanId).length };
}

function KeyValues({ title, values }: { title: string; values: Record<string, string> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <details open>
      <summary>
        {title} ({entries.length})
      </summary>
      <table class="kv">
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function TracePage({ traceId }: { traceId: string }) {
  const t = useLoad(() => api<{ spans: Span[] }>(`/api/v1/traces/${encodeURIComponent(traceId)}`), [traceId]);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const spans = t.data?.spans ?? [];
  const { rows, orphans } = useMemo(() => tree(spans, collapsed), [spans, collapsed]);
  const services = useMemo(() => [...new Set(spans.map((s) => s.service))].sort(), [spans]);
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const total = Math.max(end - start, 1e-3);
  const color = (svc: string) => COLORS[services.indexOf(svc) % COLORS.length]!;
  const first = Math.max(0, Math.floor(scrollTop / ROW) - 10);
  const visible = rows.slice(first, first + VIEW_ROWS + 20);
  const chosen = spans.find((s) => s.spanId === selected) ?? null;
  const toggle = (id: string) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  return (
    <section>
      <h1>
        <a href={href(['traces'])}>Traces</a> / <code>{traceId}</code>
      </h1>
      <Problem error={t.error} />
      {spans.length > 0 && (
        <>
          <p class="summary">
            {time(start)} · {duration(total)} · {spans.length} spans · {services.length} services ·{' '}
            {spans.filter((s) => s.status === 'Error').length} errors
            {orphans > 0 && <span class="badge warn"> incomplete: {orphans} spans without their parent</span>} ·{' '}
            <a href={href(['logs'], { trace: traceId, since: '7d' })}>Logs of this trace</a>
          </p>
          <div class="tools">
            <button type="button" onClick={() => setCollapsed(new Set())}>
              Expand all
            </button>
            <button
              type="button"
              onClick={() =>
                setCollapsed(
                  new Set(spans.filter((s) => spans.some((c) => c.parentSpanId === s.spanId)).map((s) => s.spanId)),
                )
              }
            >
              Collapse all
            </button>
          </div>
          <div class="waterfall-wrap">
            <div
              class="waterfall"
              style={{ height: `${Math.min(rows.length, VIEW_ROWS) * ROW + 2}px` }}
              onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
            >
              <div role="tree" aria-label="spans" style={{ height: `${rows.length * ROW}px`, position: 'relative' }}>
                {visible.map((r, i) => {
                  const s = r.span;
                  const left = ((s.startMs - start) / total) * 100;
                  const width = Math.max(0.2, (s.durationMs / total) * 100);
                  return (
                    <div
                      key={s.spanId}
                      role="treeitem"
                      tabIndex={0}
                      aria-selected={selected === s.spanId}
                      aria-expanded={r.children > 0 ? !collapsed.has(s.spanId) : undefined}
                      class={`span-row ${selected === s.spanId ? 'sel' : ''} ${s.status === 'Error' ? 'err' : ''}`}
                      style={{ top: `${(first + i) * ROW}px` }}
                      onClick={() => setSelected(s.spanId)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') setSelected(s.spanId);
                        if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && r.children > 0) toggle(s.spanId);
                      }}
                    >
                      <div class="name" style={{ paddingLeft: `${r.depth * 14 + 4}px` }}>
                        {r.children > 0 ? (
                          <button
                            type="button"
                            class="twist"
                            aria-label={collapsed.has(s.spanId) ? 'expand' : 'collapse'}
                            onClick={(e) => {
                              e.stopPropagation();
                              toggle(s.spanId);
                            }}
                          >
                            {collapsed.has(s.spanId) ? '▸' : '▾'}
                          </button>
                        ) : (
                          <span class="twist" />
                        )}
                        <span class="svc" style={{ borderColor: color(s.service) }}>
                          {s.service}
                        </span>{' '}
                        {s.operation}
                      </div>
                      <div class="lane">
                        <span
                          class="barx"
                          style={{ left: `${left}%`, width: `${width}%`, background: color(s.service) }}
                        />
                        <span class="dur" style={{ left: `${Math.min(left + width, 92)}%` }}>
                          {duration(s.durationMs)}
                        </span>
                      </div>
                    </div>
                  );
                })}
              </div>
            </div>
            {chosen && (
              <aside class="detail" aria-label="span details">
                <h3>
                  {chosen.service}: {chosen.operation}
                </h3>
                <p>
                  {chosen.kind} · {duration(chosen.durationMs)} · starts at +{duration(chosen.startMs - start)} · status{' '}
                  <span class={chosen.status === 'Error' ? 'bad' : ''}>{chosen.status || 'Unset'}</span>
                  {chosen.statusMessage && <> ({chosen.statusMessage})</>}
                </p>
                <p class="ids">
                  span <code>{chosen.spanId}</code>
                  {chosen.parentSpanId && (
                    <>
                      {' '}
                      · parent <code>{chosen.parentSpanId}</code>
                    </>
                  )}
                </p>
                <KeyValues title="Attributes" values={chosen.attributes} />
                {chosen.events.length > 0 && (
                  <details open>
                    <summary>Events ({chosen.events.length})</summary>
                    <ul class="events">
                      {chosen.events.map((ev, i) => (
                        <li key={i}>
                          +{duration(ev.timeMs - start)} <b>{ev.name}</b>{' '}
                          {Object.entries(ev.attributes)
                            .map(([k, v]) => `${k}=${v}`)
                            .join(' ')}
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
                <KeyValues title="Resource" values={chosen.resource} />
              </aside>
            )}
          </div>
        </>
      )}
    </section>
  );
}
