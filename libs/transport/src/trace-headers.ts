import { context, propagation, type Context, type TextMapGetter } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

const getter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => (carrier?.has(key) ? carrier.get(key) : undefined),
};

/**
 * W3C trace context of the active span as NATS headers, or undefined when there is nothing to
 * carry (no tracer registered): headers cost bytes and parsing on every message.
 */
export function traceHeaders(active: Context = context.active()): MsgHdrs | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  const keys = Object.keys(carrier);
  if (keys.length === 0) return undefined;
  const hdrs = natsHeaders();
  for (const key of keys) hdrs.set(key, carrier[key] as string);
  return hdrs;
}

/** The trace context a message carries in its headers (the active context when it has none). */
export function contextFromHeaders(hdrs: MsgHdrs | undefined): Context {
  return propagation.extract(context.active(), hdrs, getter);
}
