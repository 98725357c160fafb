// Debian's chromium driven by playwright-core (no browser download), installed with apt-get when
// missing as .ci/run does, so the console's tests always run.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { ensureDebianPackage } from './debian.js';

const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): string {
  ensureDebianPackage('chromium', CHROMIUM);
  return CHROMIUM;
}

/** Headless, with nothing that reaches for hosts this closed network refuses. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Where the tests write their screenshots (the README shows two of them, copied to docs/). */
export function screenshotDir(): string {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
