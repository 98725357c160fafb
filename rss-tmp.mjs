import { readFileSync, rmSync } from 'node:fs';
const rss = (label) => { const m = readFileSync('/proc/self/smaps', 'utf8').split('\n'); let cur = '', agg = {}; for (const l of m) { if (/^[0-9a-f]+-/.test(l)) { const p = l.split(/\s+/); cur = (p[5] || '[anon]').split('/').pop(); } else if (l.startsWith('Rss:')) agg[cur] = (agg[cur] || 0) + parseInt(l.split(/\s+/)[1]); } console.log(label.padEnd(20), Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}MB`).join(', '), 'total', (Object.values(agg).reduce((a,b)=>a+b,0)/1024).toFixed(0)); };
const { openStore } = await import('./dist/store/index.js');
rmSync('/tmp/rss-d', { recursive: true, force: true });
const store = await openStore({ kind: 'embedded', dataDir: '/tmp/rss-d' });
rss('open');
await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
rss('prepared');
await new Promise((r) => setTimeout(r, 3000));
rss('3s later');
for (const q of process.argv.slice(2)) { try { await store.query(q); rss(q.slice(0, 20)); } catch (e) { console.log(q, String(e).slice(0, 200)); } }
await new Promise((r) => setTimeout(r, 6000));
rss('6s later');
await store.close();
