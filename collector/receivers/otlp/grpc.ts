// OTLP/gRPC receiver: the three Export services, decoded from raw bytes by our own decoders
// (grpc-js hands us the message undecoded and handles gzip message compression).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { IngestAuthorizer, IngestContext } from '../../ingest.js';
import type { Signal } from '../../rows.js';
import { handleExport } from './export.js';
import { exportResponse, statusMessage } from './responses.js';

export interface GrpcReceiverOptions {
  maxBodyBytes: number;
  authorize: IngestAuthorizer;
}

const SERVICES: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const identity = (b: Buffer): Buffer => b;

/** "ipv4:127.0.0.1:5555" or "ipv6:[::1]:5555" (or without the scheme) → the address alone. */
function peerAddress(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, '');
  const v6 = /^\[([^\]]+)\]/.exec(p);
  return v6 ? v6[1]! : p.replace(/:\d+$/, '');
}

function definition(signal: Signal): grpc.ServiceDefinition {
  return {
    Export: {
      path: SERVICES[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

export function buildGrpcReceiver(ctx: IngestContext, opts: GrpcReceiverOptions, logger: Logger): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': opts.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const signal of Object.keys(SERVICES) as Signal[]) {
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const fail = (code: grpc.status, message: string, retryInMillis?: number): void => {
        ctx.metrics.requests.labels(signal, 'grpc', grpc.status[code] ?? String(code)).inc();
        const metadata = new grpc.Metadata();
        if (retryInMillis !== undefined)
          metadata.set('grpc-status-details-bin', statusMessage(code, message, retryInMillis));
        callback({ code, details: message, metadata });
      };
      const authorization = call.metadata.get('authorization')[0];
      const auth = opts.authorize(
        typeof authorization === 'string' ? authorization : authorization?.toString('utf8'),
        peerAddress(call.getPeer()),
      );
      if (!auth.ok) {
        return fail(
          auth.status === 401
            ? grpc.status.UNAUTHENTICATED
            : auth.status === 403
              ? grpc.status.PERMISSION_DENIED
              : grpc.status.RESOURCE_EXHAUSTED,
          auth.message,
          auth.retryInMillis,
        );
      }
      handleExport(ctx, signal, 'protobuf', 'grpc', call.request, auth.namespace).then(
        (result) => {
          switch (result.kind) {
            case 'ok':
              ctx.metrics.requests.labels(signal, 'grpc', 'OK').inc();
              return callback(null, exportResponse(signal, 'protobuf', result.rejected, result.message));
            case 'bad-request':
            case 'too-large':
              return fail(grpc.status.INVALID_ARGUMENT, result.message);
            case 'overloaded':
              return fail(grpc.status.RESOURCE_EXHAUSTED, result.message, result.retryInMillis);
            case 'unavailable':
              return fail(grpc.status.UNAVAILABLE, result.message, result.retryInMillis);
            case 'failure':
              return fail(grpc.status.INTERNAL, result.message);
          }
        },
        (err: unknown) => {
          logger.error({ err, signal }, 'OTLP/gRPC handler failed');
          fail(grpc.status.INTERNAL, 'internal error');
        },
      );
    };
    server.addService(definition(signal), { Export: handler });
  }
  return server;
}

export function listenGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(
      `${host.includes(':') ? `[${host}]` : host}:${port}`,
      grpc.ServerCredentials.createInsecure(),
      (err, bound) => {
        if (err) reject(err);
        else resolve(bound);
      },
    );
  });
}

export function closeGrpc(server: grpc.Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
