// Builds the console into console/dist: one bundle (esbuild; Preact and uPlot included, nothing
// from a CDN), its stylesheet, and the static pages' files. Run by `npm install` (prepare),
// `npm start` and `npm test`, so the README's commands still do all the set-up.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src/main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
  legalComments: 'none',
});
const uplotCss = readFileSync(path.join(here, '../node_modules/uplot/dist/uPlot.min.css'), 'utf8');
writeFileSync(path.join(out, 'app.css'), `${uplotCss}\n${readFileSync(path.join(here, 'static/app.css'), 'utf8')}`);
for (const f of ['index.html', 'page.css', 'ack.js']) copyFileSync(path.join(here, 'static', f), path.join(out, f));
const gz = ['app.js', 'app.css', 'index.html'].reduce((n, f) => n + gzipSync(readFileSync(path.join(out, f))).length, 0);
console.log(`console built: ${(gz / 1024).toFixed(1)} KB gzipped (app.js, app.css, index.html)`);
