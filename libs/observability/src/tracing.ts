/**
 * Starts OpenTelemetry tracing when the standard variables ask for it
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_TRACES_EXPORTER`),
 * unless `OTEL_SDK_DISABLED=true`. The SDK itself reads every other OTEL_* variable.
 * The SDK is loaded only then: it costs about 50 MB and 1.5 s of start-up per process.
 * Returns a shutdown function that flushes pending spans (a no-op when tracing is off).
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): () => Promise<void> {
  const wanted =
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_TRACES_EXPORTER'];
  if (!wanted || env['OTEL_SDK_DISABLED'] === 'true') return async () => undefined;
  if (!env['OTEL_SERVICE_NAME']) process.env['OTEL_SERVICE_NAME'] = serviceName;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName });
  sdk.start();
  return () => sdk.shutdown();
}
