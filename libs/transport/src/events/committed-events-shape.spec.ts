import { CommittedEventsSchema } from '@lighthouse/contracts';
import { isCommittedEventsShape } from './committed-events-shape';

const event = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: '3f1c2b4e-8d7a-4c1b-9e2f-0a1b2c3d4e5f',
  type: 'delegation.created',
  stream: 'delegation-1',
  agent: 'agent-1',
  correlationId: 'c-1',
  causationId: null,
  schemaVersion: 1,
  data: { title: 'x' },
  sequence: 7,
  streamVersion: 1,
  time: '2026-01-01T00:00:00.000Z',
  ...over,
});
const message = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ channel: 'delegation', events: [event()], before: { delegation: 6, session: 0 }, ...over });

describe('isCommittedEventsShape', () => {
  it('accepts what the committed-events schema accepts', () => {
    for (const m of [message(), message({ events: [event(), event({ sequence: 8, causationId: 'c-0' })] }), message({ before: {} })]) {
      expect(CommittedEventsSchema.safeParse(m).success).toBe(true);
      expect(isCommittedEventsShape(m)).toBe(true);
    }
  });

  const refused: Array<[string, unknown]> = [
    ['not an object', 'x'],
    ['null', null],
    ['an unknown channel', message({ channel: 'nope' })],
    ['no channel', message({ channel: undefined })],
    ['no events', message({ events: [] })],
    ['events not a list', message({ events: event() })],
    ['too many events', message({ events: Array.from({ length: 1001 }, () => event()) })],
    ['an event that is null', message({ events: [null] })],
    ['a fractional sequence', message({ events: [event({ sequence: 1.5 })] })],
    ['a zero sequence', message({ events: [event({ sequence: 0 })] })],
    ['a sequence as text', message({ events: [event({ sequence: '7' })] })],
    ['no stream version', message({ events: [event({ streamVersion: undefined })] })],
    ['no schema version', message({ events: [event({ schemaVersion: undefined })] })],
    ['an empty id', message({ events: [event({ id: '' })] })],
    ['a type that is not text', message({ events: [event({ type: 3 })] })],
    ['no stream', message({ events: [event({ stream: undefined })] })],
    ['no agent', message({ events: [event({ agent: undefined })] })],
    ['no correlation id', message({ events: [event({ correlationId: undefined })] })],
    ['a causation id that is a number', message({ events: [event({ causationId: 1 })] })],
    ['no time', message({ events: [event({ time: undefined })] })],
    ['data that is a list', message({ events: [event({ data: [] })] })],
    ['data that is null', message({ events: [event({ data: null })] })],
    ['a bad second event', message({ events: [event(), event({ sequence: -1 })] })],
    ['bounds that are not an object', message({ before: 3 })],
    ['a negative bound', message({ before: { delegation: -1 } })],
    ['a fractional bound', message({ before: { delegation: 0.5 } })],
  ];
  it.each(refused)('refuses %s (as the schema does)', (_name, value) => {
    expect(CommittedEventsSchema.safeParse(value).success).toBe(false);
    expect(isCommittedEventsShape(value)).toBe(false);
  });
});
