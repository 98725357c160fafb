// Runs the instrumented test service (test/fixtures/shop-service) as real processes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVICE = path.resolve(HERE, '../fixtures/shop-service.js');
export const MICRO = path.resolve(HERE, '../../cli/main.js');

export interface RunningService {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

export function startService(
  name: string,
  otlpHttpUrl: string,
  env: Record<string, string> = {},
): Promise<RunningService> {
  const proc = spawn(process.execPath, [SERVICE], {
    env: {
      ...process.env,
      OTEL_SERVICE_NAME: name,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '100',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => reject(new Error(`service ${name} exited with ${code}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      const m = /"listening":(\d+)/.exec(d.toString());
      if (!m) return;
      resolve({
        proc,
        url: `http://127.0.0.1:${m[1]}`,
        stop: () =>
          new Promise<void>((done) => {
            proc.removeAllListeners('exit');
            proc.on('exit', () => done());
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `micro …` (asynchronously: the server may live in this very process). */
export function micro(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MICRO, ...args],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: last saw ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}
