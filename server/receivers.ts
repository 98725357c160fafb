// The receivers (OTLP over HTTP and gRPC, Zipkin, Prometheus remote write) on their ports, in a
// process with the ingest role; without it they are built but never listen.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import {
  buildGrpcReceiver,
  buildHttpReceiver,
  buildZipkinReceiver,
  closeGrpc,
  listenGrpc,
  registerRemoteWrite,
  type IngestAuthorizer,
  type IngestContext,
} from '../collector/index.js';
import type { ServerConfig } from '../config/index.js';

type Check = { ok: boolean; detail: string };

export interface Receivers {
  otlpHttpUrl: string;
  zipkinUrl: string;
  otlpGrpcAddress: string;
  /** Stops taking requests; `graceMs` for gRPC calls in flight (0: at once). */
  close(graceMs?: number): Promise<void>;
}

export async function listenReceivers(
  ctx: IngestContext,
  config: ServerConfig,
  authorize: IngestAuthorizer,
  logger: Logger,
  readiness: { otlpHttp: Check; zipkin: Check; otlpGrpc: Check },
  hostForUrl: string,
): Promise<Receivers> {
  const limits = { maxBodyBytes: config.maxBodySize, authorize };
  const http = buildHttpReceiver(ctx, limits, logger);
  const zipkin = buildZipkinReceiver(ctx, limits, logger);
  registerRemoteWrite(http, ctx, { maxBodyBytes: config.maxBodySize });
  const grpc = buildGrpcReceiver(ctx, limits, logger);
  const receivers: Receivers = {
    otlpHttpUrl: '',
    zipkinUrl: '',
    otlpGrpcAddress: '',
    async close(graceMs) {
      await Promise.all([http.close(), zipkin.close(), closeGrpc(grpc, graceMs)]);
    },
  };
  if (!config.role.includes('ingest')) {
    for (const r of [readiness.otlpHttp, readiness.zipkin, readiness.otlpGrpc])
      Object.assign(r, { ok: true, detail: 'not run here (this process has no ingest role)' });
    return receivers;
  }
  try {
    await http.listen({ host: config.host, port: config.otlpHttpPort });
    Object.assign(readiness.otlpHttp, { ok: true, detail: 'listening' });
    await zipkin.listen({ host: config.host, port: config.zipkinPort });
    Object.assign(readiness.zipkin, { ok: true, detail: 'listening' });
    const grpcPort = await listenGrpc(grpc, config.host, config.otlpGrpcPort);
    Object.assign(readiness.otlpGrpc, { ok: true, detail: 'listening' });
    receivers.otlpHttpUrl = `http://${hostForUrl}:${(http.server.address() as AddressInfo).port}`;
    receivers.zipkinUrl = `http://${hostForUrl}:${(zipkin.server.address() as AddressInfo).port}`;
    receivers.otlpGrpcAddress = `${hostForUrl}:${grpcPort}`;
    return receivers;
  } catch (err) {
    await receivers.close(0).catch(() => undefined);
    throw err;
  }
}
