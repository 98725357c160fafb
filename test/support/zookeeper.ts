// Apache ZooKeeper from Debian's package, standalone on a loopback port: the protocol ClickHouse
// Keeper speaks. Installed with apt-get when missing (as .ci/run does), so tests never skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDebianPackage } from './debian.js';

const JAR = '/usr/share/java/zookeeper.jar';

export interface TestZooKeeper {
  /** host:port, as --keeper takes it. */
  address: string;
  proc: ChildProcess;
  /** Whether it runs, what `srvr` answers and its last output lines (for a failure's message). */
  describe(): Promise<string>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** What a four-letter command answers ('' when nothing does within a second). */
async function ask(port: number, command: 'ruok' | 'srvr'): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    sock.setTimeout(1000, () => sock.destroy());
    sock.on('connect', () => sock.write(command));
    sock.on('data', (d) => (text += d.toString()));
    sock.on('close', () => resolve(text));
    sock.on('error', () => resolve(''));
  });
}

/** `ruok` → `imok` once it serves. */
const answers = async (port: number): Promise<boolean> => (await ask(port, 'ruok')) === 'imok';

/**
 * `tickMs` bounds the session timeouts the server grants: from 2 to 20 ticks (500 ms: 1 s to 10 s).
 */
export async function startZooKeeper(tickMs = 500): Promise<TestZooKeeper> {
  ensureDebianPackage('zookeeper', JAR);
  const dir = mkdtempSync(path.join(tmpdir(), 'micro-zk-'));
  const port = await freePort();
  const proc = spawn(
    'java',
    [
      '-Xmx256m',
      '-Dzookeeper.admin.enableServer=false',
      // Its data is thrown away after the test: no fsync per write, so a disk busy with the tests
      // alongside does not stall elections and fencing writes.
      '-Dzookeeper.forceSync=no',
      '-Dzookeeper.4lw.commands.whitelist=ruok,srvr',
      '-cp',
      `/etc/zookeeper/conf:${JAR}`,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      String(port),
      dir,
      String(tickMs),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!(await answers(port))) {
    if (proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`ZooKeeper did not start:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `127.0.0.1:${port}`,
    proc,
    async describe() {
      const state =
        proc.exitCode === null && proc.signalCode === null ? 'running' : `exited (${proc.exitCode ?? proc.signalCode})`;
      const srvr = (await ask(port, 'srvr')) || 'no answer to srvr within 1 s';
      return `ZooKeeper (pid ${proc.pid}, ${state}):\n${srvr}\n${output.join('').split('\n').slice(-15).join('\n')}`;
    },
    async close() {
      proc.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
