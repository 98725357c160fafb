// gRPC check: the standard grpc.health.v1.Health/Check.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { failure, type CheckResult } from './types.js';

export interface GrpcCheckSpec {
  /** host:port */
  address: string;
  /** The service to ask about; '' asks about the server as a whole. */
  service?: string;
  timeoutMs: number;
  tls?: boolean;
  /** An address already resolved to dial instead of `address`'s host (which stays the authority and TLS name). */
  resolvedAddress?: string;
}

const STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

// HealthCheckRequest { string service = 1; }
function encodeRequest(service: string): Buffer {
  const w = protobuf.Writer.create();
  if (service) w.uint32((1 << 3) | 2).string(service);
  return Buffer.from(w.finish());
}

// HealthCheckResponse { ServingStatus status = 1; }
function decodeStatus(buf: Buffer): number {
  const r = protobuf.Reader.create(buf);
  let status = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 0) status = r.int32();
    else r.skipType(tag & 7);
  }
  return status;
}

export function runGrpcCheck(spec: GrpcCheckSpec): Promise<CheckResult> {
  const started = performance.now();
  const host = spec.address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const options: grpc.ChannelOptions = spec.resolvedAddress
    ? { 'grpc.default_authority': spec.address, ...(spec.tls ? { 'grpc.ssl_target_name_override': host } : {}) }
    : {};
  const client = new grpc.Client(
    spec.resolvedAddress ?? spec.address,
    spec.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(),
    options,
  );
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      encodeRequest(spec.service ?? ''),
      { deadline: Date.now() + spec.timeoutMs },
      (err, response) => {
        const latencyMs = Math.round((performance.now() - started) * 10) / 10;
        client.close();
        if (err) {
          const message =
            err.code === grpc.status.DEADLINE_EXCEEDED
              ? `timed out after ${spec.timeoutMs} ms`
              : err.code === grpc.status.UNAVAILABLE
                ? `unavailable: ${err.details}`
                : err.code === grpc.status.UNIMPLEMENTED
                  ? 'the server does not implement grpc.health.v1'
                  : `${grpc.status[err.code] ?? err.code}: ${err.details}`;
          resolve(failure(message, latencyMs));
          return;
        }
        const status = decodeStatus(response as Buffer);
        const name = STATUS[status] ?? String(status);
        resolve(
          status === 1
            ? { ok: true, message: `SERVING in ${latencyMs} ms`, latencyMs, details: { status: name, latencyMs } }
            : failure(`health status ${name}`, latencyMs, { status: name }),
        );
      },
    );
  });
}
