// The arrows between the top-level modules (DEVELOPERS.md, and the house issue), checked in CI by
// `npm run lint`. A module talks to another through its index.ts only.
const MODULES = ['access', 'alerting', 'api', 'bench', 'cli', 'collector', 'config', 'instrument', 'oncall', 'server', 'store', 'test'];
/** What each module may import of ours (besides itself). Everything may import config. */
const ALLOWED = {
  store: [],
  config: [],
  instrument: [],
  access: ['store', 'config'],
  collector: ['store', 'config'],
  alerting: ['store', 'config'],
  oncall: ['store', 'config', 'alerting'],
  api: ['store', 'config', 'alerting', 'oncall', 'access'],
  cli: ['config'],
};
const others = (m) => MODULES.filter((x) => x !== m && !(ALLOWED[m] ?? []).includes(x));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no circles between files', from: {}, to: { circular: true } },
    ...Object.keys(ALLOWED).map((m) => ({
      name: `${m}-arrows`,
      severity: 'error',
      comment: `${m}/ may import ${ALLOWED[m].length ? ALLOWED[m].join(', ') : 'nothing of ours'}`,
      from: { path: `^${m}/`, pathNot: m === 'cli' ? '^cli/server-command\\.ts$' : undefined },
      to: { path: `^(${others(m).join('|')})/` },
    })),
    {
      name: 'cli-server-command',
      severity: 'error',
      comment: 'the `micro server` entry is the one CLI file that loads the server (and through its index)',
      from: { path: '^cli/server-command\\.ts$' },
      to: { path: `^(${others('cli').filter((x) => x !== 'server').join('|')})/` },
    },
    {
      name: 'through-index',
      severity: 'error',
      comment: "a module reaches another through its index.ts, never its files' insides",
      from: { path: '^([^/]+)/' },
      to: { path: `^(${MODULES.filter((m) => m !== 'test').join('|')})/`, pathNot: ['^$1/', '^[^/]+/index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|console/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
