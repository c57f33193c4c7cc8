export { createLogger } from './logger';
export type { Logger } from './logger';
export { PinoNestLogger } from './nest-logger';
export { startTracing } from './tracing';
export { ServiceMetrics, LATENCY_BUCKETS } from './metrics';
export { guardProcess } from './process-guard';
