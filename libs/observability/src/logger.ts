import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** One JSON-lines logger per service, on stderr so stdout stays free for protocols (MCP). */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({ name: service, level, base: { service, pid: process.pid } }, pino.destination(2));
}
