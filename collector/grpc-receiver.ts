// OTLP/gRPC receiver: the three Export services, decoded from raw bytes by our own decoders
// (grpc-js hands us the message undecoded and handles gzip message compression).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { handleExport, type ExportContext } from './export.js';
import type { Signal } from './otlp/request-rows.js';
import { exportResponse, statusMessage } from './responses.js';

export interface GrpcReceiverOptions {
  maxBodyBytes: number;
  namespaceOf: (metadata: grpc.Metadata, peer: string) => string;
}

const SERVICES: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const identity = (b: Buffer): Buffer => b;

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

export function buildGrpcReceiver(ctx: ExportContext, opts: GrpcReceiverOptions, logger: Logger): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': opts.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const signal of Object.keys(SERVICES) as Signal[]) {
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const fail = (code: grpc.status, message: string, retryInMillis?: number): void => {
        ctx.metrics.requests.labels(signal, 'grpc', grpc.status[code] ?? String(code)).inc();
        const metadata = new grpc.Metadata();
        if (retryInMillis !== undefined) metadata.set('grpc-status-details-bin', statusMessage(code, message, retryInMillis));
        callback({ code, details: message, metadata });
      };
      handleExport(ctx, signal, 'protobuf', 'grpc', call.request, opts.namespaceOf(call.metadata, call.getPeer())).then(
        (result) => {
          switch (result.kind) {
            case 'ok':
              ctx.metrics.requests.labels(signal, 'grpc', 'OK').inc();
              return callback(null, exportResponse(signal, 'protobuf', result.rejected, result.message));
            case 'bad-request':
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
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else resolve(bound);
    });
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
