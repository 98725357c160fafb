// The import-boundary check (dependency-cruiser, `npm run lint` in CI) holds on this tree, and
// fails on a deliberately broken arrow: a copy of the rules run over a small tree where store/
// imports alerting/, cli/ imports store/, and bench/ reaches into a module's insides.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
const run = (cwd: string, dirs: string[]) =>
  spawnSync(depcruise, ['--config', path.join(root, '.dependency-cruiser.cjs'), ...dirs], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });

test('the tree keeps its arrows', () => {
  const r = run(root, [
    'access',
    'alerting',
    'api',
    'bench',
    'cli',
    'collector',
    'config',
    'instrument',
    'oncall',
    'server',
    'store',
    'test',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no dependency violations/);
});

test('a broken arrow fails the check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'micro-arrows-'));
  try {
    cpSync(path.join(root, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    const file = (p: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), text);
    };
    file('alerting/index.ts', "export { x } from './inside.js';\n");
    file('alerting/inside.ts', 'export const x = 1;\n');
    file('store/index.ts', "import { x } from '../alerting/index.js';\nexport const y = x;\n");
    file('cli/main.ts', "import { y } from '../store/index.js';\nexport const z = y;\n");
    file('bench/b.ts', "import { x } from '../alerting/inside.js';\nexport const w = x;\n");
    const r = run(dir, ['alerting', 'store', 'cli', 'bench']);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /store-arrows: store\/index\.ts → alerting\/index\.ts/);
    assert.match(r.stdout, /cli-arrows: cli\/main\.ts → store\/index\.ts/);
    assert.match(r.stdout, /through-index: bench\/b\.ts → alerting\/inside\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
