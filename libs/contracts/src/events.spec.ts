import { randomUUID } from 'node:crypto';
import { AppendRequestSchema, CommittedEventsSchema, EventEnvelopeSchema, LogHeadSchema, NewEventSchema } from './events';
import { LighthouseError, toWireError } from './errors';

const newEvent = () => ({
  id: randomUUID(),
  type: 'session.created',
  stream: 'agent-1',
  agent: 'agent-1',
  correlationId: 'corr-1',
  causationId: null,
  schemaVersion: 1,
  data: { role: 'security_architect' },
});

describe('event schemas', () => {
  it('accepts a well-formed new event', () => {
    const event = newEvent();
    expect(NewEventSchema.parse(event)).toEqual(event);
  });

  it('rejects unknown fields', () => {
    expect(NewEventSchema.safeParse({ ...newEvent(), extra: 1 }).success).toBe(false);
  });

  it('rejects path tricks and control characters in names', () => {
    expect(NewEventSchema.safeParse({ ...newEvent(), stream: 'a b' }).success).toBe(false);
    expect(NewEventSchema.safeParse({ ...newEvent(), type: 'x\u0000y' }).success).toBe(false);
  });

  it('an envelope carries the sequence, stream version and commit time', () => {
    const envelope = { ...newEvent(), sequence: 7, streamVersion: 2, time: new Date().toISOString() };
    expect(EventEnvelopeSchema.parse(envelope).sequence).toBe(7);
    expect(EventEnvelopeSchema.safeParse({ ...envelope, sequence: 0 }).success).toBe(false);
  });

  it('bounds the number of events in one append', () => {
    const events = Array.from({ length: 1001 }, newEvent);
    expect(AppendRequestSchema.safeParse({ events }).success).toBe(false);
    expect(AppendRequestSchema.safeParse({ events: [] }).success).toBe(false);
  });
});

describe('wire errors', () => {
  it('keeps the code and message of a LighthouseError', () => {
    expect(toWireError(new LighthouseError('CONFLICT', 'version 3 expected'))).toEqual({ code: 'CONFLICT', message: 'version 3 expected' });
  });

  it('never leaks the message of an unexpected error', () => {
    expect(toWireError(new Error('password=hunter2'))).toEqual({ code: 'INTERNAL', message: 'internal error' });
  });

  it('round-trips through fromWire', () => {
    const error = LighthouseError.fromWire({ code: 'NOT_FOUND', message: 'no such delegation' });
    expect(error).toBeInstanceOf(LighthouseError);
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('per-channel bounds across versions', () => {
  const envelope = () => ({ ...newEvent(), sequence: 7, streamVersion: 1, time: new Date(0).toISOString() });

  it('takes a committed message and a head whose bounds lack a channel or name one this version does not know', () => {
    // Given a store of an older version (no verdict bound) and one of a newer version (a channel added since)
    const older = { channel: 'session', events: [envelope()], before: { session: 6, validation: 3 } };
    const newer = { channel: 'session', events: [envelope()], before: { session: 6, validation: 3, verdict: 5, 'added-later': 4 } };
    // Then a follower of this version understands both (a missing bound reads as unknown: it reads the store)
    expect(CommittedEventsSchema.safeParse(older).success).toBe(true);
    expect(CommittedEventsSchema.safeParse(newer).success).toBe(true);
    expect(LogHeadSchema.safeParse({ lastSequence: 7, chainHead: 'x', channels: { session: 7, 'added-later': 2 } }).success).toBe(true);
    // while a bound that is not a sequence is still refused
    expect(CommittedEventsSchema.safeParse({ ...older, before: { session: -1 } }).success).toBe(false);
    expect(CommittedEventsSchema.safeParse({ ...older, channel: 'added-later' }).success).toBe(false);
  });
});
