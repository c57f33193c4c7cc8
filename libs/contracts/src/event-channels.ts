import { z } from 'zod';

/**
 * Committed events travel on one subject per channel, `<committed subject>.<channel>`: the
 * context of their type (`delegation.claimed` → `delegation`), or `other` for any type outside
 * the bridge's own contexts (the events agents record themselves). A follower subscribes to the
 * channels it applies and receives nothing else: the delegation router never sees a decision.
 *
 * One channel is not a context: `verdict` carries the `validation.decided` events that hold no
 * training evidence (`data.training` null: memory hits, the pattern model's own answers,
 * fallbacks, reservations), which no service applies (the speed layer trains only on first-hand
 * answers); only the console and mounts that show decisions follow it. The speed layer, which
 * makes one of them per repeated validation, is no longer handed every one of them back.
 */
export const EVENT_CHANNELS = ['session', 'expert', 'agent', 'credential', 'delegation', 'message', 'reservation', 'validation', 'verdict', 'fs', 'other'] as const;
export const EventChannelSchema = z.enum(EVENT_CHANNELS);
export type EventChannel = z.infer<typeof EventChannelSchema>;

const OWN_CONTEXTS: ReadonlySet<string> = new Set(EVENT_CHANNELS.filter((channel) => channel !== 'other' && channel !== 'verdict'));

/** What the channel of an event is decided by: its type, and for decisions whether they teach. */
export interface ChannelledEvent {
  type: string;
  data?: Readonly<Record<string, unknown>>;
}

/** The channel an event is published on (see {@link EVENT_CHANNELS}). */
export function eventChannelOf(event: ChannelledEvent): EventChannel {
  const { type } = event;
  if (type === 'validation.decided' && (event.data?.['training'] ?? null) === null) return 'verdict';
  const dot = type.indexOf('.');
  const context = dot > 0 ? type.slice(0, dot) : '';
  return OWN_CONTEXTS.has(context) ? (context as EventChannel) : 'other';
}
