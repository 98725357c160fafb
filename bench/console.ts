// bench/console: the console in Debian's chromium (playwright-core) against `micro server` in another
// process on loopback: first paint and the services table shown (target: first paint < 1 s), and a
// 2,000-span trace's waterfall interactive (rows drawn and a span's details open; target < 500 ms).
// Medians of 7 loads each, after one warm-up. (The service page's data at 10M spans is in bench/query.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../test/support/browser.js';
import { spawnServer } from '../test/support/child-server.js';
import { makeDataDir, removeDataDir } from '../test/support/server.js';
import { sendTelemetry } from '../test/support/telemetry.js';
import { quantile } from './quantile.js';

const ROUNDS = 7;
const median = (xs: number[]) => quantile(xs, 0.5);

async function main(): Promise<void> {
  const dataDir = makeDataDir();
  const server = await spawnServer(dataDir);
  const browser = await launchBrowser();
  try {
    const sent = await sendTelemetry(server.otlpHttpUrl, 2000);
    const admin = readFileSync(path.join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const signIn = async () => {
      const link = (await (
        await fetch(`${server.apiUrl}/api/v1/console/links`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}` },
        })
      ).json()) as { path: string };
      await page.goto(`${server.apiUrl}${link.path}`);
    };
    await signIn();
    await page.locator('table.services tr', { hasText: 'checkout' }).waitFor();
    const paint: number[] = [];
    const table: number[] = [];
    for (let i = 0; i <= ROUNDS; i++) {
      await page.goto('about:blank');
      await page.goto(`${server.apiUrl}/#/services?since=1h`);
      await page.locator('table.services tr', { hasText: 'checkout' }).waitFor();
      const t = await page.evaluate(() => ({
        paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        now: performance.now(),
      }));
      if (i === 0) continue; // warm-up
      paint.push(t.paint);
      table.push(t.now);
    }
    const waterfall: number[] = [];
    for (let i = 0; i <= ROUNDS; i++) {
      await page.goto('about:blank');
      await page.goto(`${server.apiUrl}/#/traces/${sent.bigTraceId}`);
      await page.locator('.span-row', { hasText: 'step 1' }).first().click();
      await page.getByLabel('span details').getByText('step 1').waitFor();
      const rows = await page.locator('.span-row').count();
      const t = await page.evaluate(() => performance.now());
      if (i === 0) {
        console.log(`  the 2,000-span trace: ${rows} rows in the DOM (the rest are drawn as they scroll into view)`);
        continue;
      }
      waterfall.push(t);
    }
    // Collapse all and expand all on the same trace: the tree re-laid out in the browser alone.
    const relayout: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      relayout.push(
        await page.evaluate(async () => {
          const t0 = performance.now();
          const click = (name: string) =>
            [...document.querySelectorAll('button')].find((b) => b.textContent === name)?.click();
          click('Collapse all');
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          click('Expand all');
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          return performance.now() - t0;
        }),
      );
    }
    console.log('\nbench/console (chromium, loopback, medians of 7 loads)');
    console.log('| figure | median | target |');
    console.log('|---|---|---|');
    console.log(`| services page: first paint | ${median(paint).toFixed(0)} ms | < 1000 ms |`);
    console.log(`| services page: table with its data shown | ${median(table).toFixed(0)} ms | |`);
    console.log(
      `| 2,000-span trace: waterfall drawn and a span's details open | ${median(waterfall).toFixed(0)} ms | < 500 ms |`,
    );
    console.log(`| 2,000-span trace: collapse all, then expand all | ${median(relayout).toFixed(0)} ms | |`);
  } finally {
    await browser.close();
    await server.stop();
    await removeDataDir(dataDir);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
