import { createServer, type Server } from 'node:http';
import type { ServiceMetrics } from '@lighthouse/observability';

export interface OpsServerOptions {
  host: string;
  port: number;
  metrics: ServiceMetrics;
  /** True when the service can do its work (connected, listening). */
  ready: () => boolean;
}

/**
 * The HTTP side of a NATS service, for Kubernetes probes and Prometheus: `/healthz` (the process
 * answers), `/readyz` (it can serve: 503 otherwise), `/metrics`. Nothing else is served.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405, JSON.stringify({ code: 'NOT_FOUND', message: 'GET only' }));
    switch (request.url) {
      case '/healthz':
        return send(200, '{"status":"up"}');
      case '/readyz':
        return options.ready() ? send(200, '{"status":"ready"}') : send(503, '{"status":"not ready"}');
      case '/metrics':
        return void options.metrics.render().then(
          (text) => send(200, text, 'text/plain; version=0.0.4'),
          () => send(500, '{"code":"INTERNAL","message":"metrics failed"}'),
        );
      default:
        return send(404, JSON.stringify({ code: 'NOT_FOUND', message: `no route ${request.url}` }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
