// Runs `micro server` in a child process, for tests that kill it or measure its memory.
import { testDatabaseUrl } from './server.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/main.js');

export interface ChildServer {
  proc: ChildProcess;
  apiUrl: string;
  otlpHttpUrl: string;
  otlpGrpcAddress: string;
  zipkinUrl: string;
  output: string[];
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

export async function spawnServer(dataDir: string, args: string[] = []): Promise<ChildServer> {
  // On a test ClickHouse server the child writes to the database that stands for its data directory.
  const clickhouseUrl = args.includes('--clickhouse-url') ? undefined : await testDatabaseUrl(dataDir);
  const proc = spawn(
    process.execPath,
    [
      MAIN,
      'server',
      '--data-dir',
      dataDir,
      '--api-port',
      '0',
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
      '--zipkin-port',
      '0',
      ...(clickhouseUrl ? ['--clickhouse-url', clickhouseUrl] : []),
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output.join('\n')}`)), 60_000);
    const onLine = (line: string): void => {
      output.push(line);
      if (!line.includes('micro-observe is running')) return;
      const info = JSON.parse(line) as { api: string; otlpHttp: string; otlpGrpc: string; zipkin: string };
      clearTimeout(timer);
      resolve({
        proc,
        apiUrl: info.api,
        otlpHttpUrl: info.otlpHttp,
        otlpGrpcAddress: info.otlpGrpc,
        zipkinUrl: info.zipkin,
        output,
        async stop() {
          proc.kill('SIGTERM');
          return exited;
        },
        async kill9() {
          proc.kill('SIGKILL');
          await exited;
        },
      });
    };
    let buffered = '';
    const feed = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        onLine(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
      }
    };
    proc.stdout!.on('data', feed);
    proc.stderr!.on('data', feed);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

/** The value of one Prometheus sample from /metrics. */
export async function scrape(apiUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : NaN;
}
