import { AppendRequestSchema } from '@lighthouse/contracts';
import { quickCheckedAppend } from './append-check';
import { makeEvent } from './testing/log-test-kit';

const FIELDS = ['id', 'type', 'stream', 'agent', 'correlationId', 'causationId', 'schemaVersion', 'data'] as const;

class Box {
  value = 1;
}

/** Values that break one rule or another of the schema, or sit right on one of its limits. */
const ODD_VALUES: unknown[] = [
  '', 'a', 'a b', 'x\u0000y', 'é', '../etc', 'a'.repeat(128), 'a'.repeat(129), 'a'.repeat(200), 'a'.repeat(201),
  'agent@host', 'a:b/c', '6F9619FF-8B86-D011-B42D-00C04FC964FF', '00000000-0000-0000-0000-000000000000',
  '00000000-0000-0000-0000-00000000000', '123e4567-e89b-02d3-a456-426614174000', '123e4567-e89b-12d3-c456-426614174000',
  '123e4567-e89b-92d3-a456-426614174000', '123e4567-e89b-82d3-7456-426614174000', '123e4567-e89b-82d3-B456-426614174000',
  '123e4567-e89b-12d3-a456-42661417400g', '123e4567-e89b-12d3-a456-42661417400G', '123e4567e-89b-12d3-a456-426614174000',
  '123e4567-e89b-12d3-a456-4266141740000', '123e4567-e89b-12d3-a456_426614174000', '123e4567-e89b-12d3-a456-42661417400é',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '123e4567-e89b-12d3-:456-426614174000',
  0, 1, -1, 1.5, 1000, 1001, 2 ** 53, NaN, Infinity, -0, true, null, undefined, [], [1], {}, { a: 1 }, Object.create(null) as object,
  new Box(), new Date(0), new Map(), JSON.parse('{"__proto__": {"x": 1}}') as object, { [Symbol('s')]: 1 },
];

function mutations(): unknown[] {
  const out: unknown[] = [];
  for (const field of FIELDS) {
    for (const value of ODD_VALUES) out.push({ events: [makeEvent({ [field]: value } as never)] });
    const without: Record<string, unknown> = { ...makeEvent() };
    delete without[field];
    out.push({ events: [without] });
  }
  out.push({ events: [{ ...makeEvent(), extra: 1 }] }, { events: [{ ...makeEvent(), extra: undefined }] });
  const inherited = Object.assign(Object.create({ extra: 1 }) as object, makeEvent());
  out.push({ events: [inherited] });
  for (const value of ODD_VALUES) out.push({ events: [makeEvent()], expectedVersion: value }, { events: value }, value);
  out.push({ events: [makeEvent()], extra: 1 }, { events: [] }, { events: Array.from({ length: 1001 }, () => makeEvent()) });
  out.push(Object.assign(Object.create(null) as object, { events: [makeEvent()] }));
  return out;
}

describe('quickCheckedAppend', () => {
  it('given valid appends, when checked, then accepts each as a copy equal to what the schema yields', () => {
    // given
    const valid = [
      { events: [makeEvent()] },
      { events: [makeEvent({ causationId: 'cause-1', data: { nested: { deep: [1, 2] } } }), makeEvent()], expectedVersion: 0 },
      { events: Array.from({ length: 1000 }, () => makeEvent()), expectedVersion: 7 },
      { events: [makeEvent({ id: '6F9619FF-8B86-4011-B42D-00C04FC964FF', type: 'a'.repeat(200), agent: 'a.b@c_d-e' })] },
    ];

    for (const input of valid) {
      // when
      const checked = quickCheckedAppend(input);

      // then
      expect(checked).toEqual(AppendRequestSchema.parse(input));
      expect(checked).not.toBe(input);
      expect(checked?.events[0]).not.toBe(input.events[0]);
    }
  });

  it('given any mutation of a valid append, when checked, then never accepts what the schema rejects', () => {
    // given
    const inputs = mutations();
    let accepted = 0;
    let rejectedBySchema = 0;

    for (const input of inputs) {
      // when
      const checked = quickCheckedAppend(input);
      const parsed = AppendRequestSchema.safeParse(input);

      // then
      if (!parsed.success) rejectedBySchema++;
      if (checked !== undefined) {
        accepted++;
        expect({ input, accepted: parsed.success }).toEqual({ input, accepted: true });
        expect(checked).toEqual(parsed.data);
      }
    }
    // Not vacuous: the corpus holds both kinds, and the quick check takes the valid limits.
    expect(rejectedBySchema).toBeGreaterThan(300);
    expect(accepted).toBeGreaterThan(20);
  });
});
