// TCP check: a connection within the timeout.
import net from 'node:net';
import { describeError, failure, type CheckResult } from './types.js';

export interface TcpCheckSpec {
  host: string;
  port: number;
  timeoutMs: number;
  lookup?: net.LookupFunction;
}

export function runTcpCheck(spec: TcpCheckSpec): Promise<CheckResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: spec.host, port: spec.port, ...(spec.lookup ? { lookup: spec.lookup } : {}) });
    const done = (r: CheckResult): void => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(spec.timeoutMs, () => done(failure(`timed out after ${spec.timeoutMs} ms`, spec.timeoutMs)));
    socket.once('connect', () => {
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      done({ ok: true, message: `connected in ${latencyMs} ms`, latencyMs, details: { latencyMs } });
    });
    socket.once('error', (err) =>
      done(failure(describeError(err, spec.timeoutMs), Math.round(performance.now() - started))),
    );
  });
}
