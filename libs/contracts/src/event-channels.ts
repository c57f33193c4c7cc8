import { z } from 'zod';

/**
 * Committed events travel on one subject per channel, `<committed subject>.<channel>`: the
 * context of their type (`delegation.claimed` → `delegation`), or `other` for any type outside
 * the bridge's own contexts (the events agents record themselves). A follower subscribes to the
 * channels it applies and receives nothing else: the delegation router never sees a decision.
 */
export const EVENT_CHANNELS = ['session', 'expert', 'agent', 'credential', 'delegation', 'message', 'reservation', 'validation', 'fs', 'other'] as const;
export const EventChannelSchema = z.enum(EVENT_CHANNELS);
export type EventChannel = z.infer<typeof EventChannelSchema>;

const OWN_CONTEXTS: ReadonlySet<string> = new Set(EVENT_CHANNELS.filter((channel) => channel !== 'other'));

/** The channel an event of `type` is published on. */
export function eventChannelOf(type: string): EventChannel {
  const dot = type.indexOf('.');
  const context = dot > 0 ? type.slice(0, dot) : '';
  return OWN_CONTEXTS.has(context) ? (context as EventChannel) : 'other';
}

