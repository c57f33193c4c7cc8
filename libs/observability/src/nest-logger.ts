import type { Logger } from 'pino';

/**
 * Adapts pino to the shape of Nest's LoggerService (log/error/warn/debug/verbose), so Nest's own
 * messages land in the same JSON lines. Structural typing keeps this lib free of @nestjs imports.
 */
export class PinoNestLogger {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
