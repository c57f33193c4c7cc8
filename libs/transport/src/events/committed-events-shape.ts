import { EVENT_CHANNELS, MAX_COMMITTED_EVENTS_PER_MESSAGE, type CommittedEvents } from '@lighthouse/contracts';

const CHANNEL_NAMES: ReadonlySet<string> = new Set(EVENT_CHANNELS);

function isPositiveInt(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelopeShape(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  const e = value;
  return (
    isPositiveInt(e['sequence']) &&
    isPositiveInt(e['streamVersion']) &&
    isPositiveInt(e['schemaVersion']) &&
    isText(e['id']) &&
    isText(e['type']) &&
    isText(e['stream']) &&
    isText(e['agent']) &&
    isText(e['correlationId']) &&
    (e['causationId'] === null || isText(e['causationId'])) &&
    isText(e['time']) &&
    isPlainRecord(e['data'])
  );
}

/**
 * The shape of a committed-events message, without the contracts' `CommittedEventsSchema`'s format checks
 * (UUIDs, name patterns, timestamps, lengths, unknown keys): for followers of the committed
 * subjects, which only the event store may publish on (see `nats-permissions.ts`) and whose
 * events it validated at append and numbered itself. It still refuses what a follower would
 * misread: a channel it does not know, no events or too many, an event without an integer
 * sequence or stream version, without an id, type, stream or data object, and bounds that are
 * not non-negative integers.
 */
export function isCommittedEventsShape(value: unknown): value is CommittedEvents {
  if (!isPlainRecord(value)) return false;
  const { channel, events, before } = value;
  if (typeof channel !== 'string' || !CHANNEL_NAMES.has(channel)) return false;
  if (!Array.isArray(events) || events.length < 1 || events.length > MAX_COMMITTED_EVENTS_PER_MESSAGE) return false;
  for (const event of events) if (!isEnvelopeShape(event)) return false;
  if (!isPlainRecord(before)) return false;
  for (const key in before) {
    const bound = before[key];
    if (key.length === 0 || !Number.isInteger(bound) || (bound as number) < 0) return false;
  }
  return true;
}
