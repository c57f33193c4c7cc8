/** The logging the log needs; pino's `(details, message)` signature fits. */
export interface EventLogLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Used when the caller injects none: repairs and failures must never go unreported. */
export const consoleLogger: EventLogLogger = {
  warn: (details, message) => console.warn(`[event-log] ${message}`, details),
  error: (details, message) => console.error(`[event-log] ${message}`, details),
};
