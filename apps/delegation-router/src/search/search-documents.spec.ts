import type { EventEnvelope } from '@lighthouse/contracts';
import { MAX_INDEXED_CHARS } from '@lighthouse/messaging';
import { documentOfEvent } from './search-documents';

const envelope = (type: string, stream: string, data: Record<string, unknown>): EventEnvelope => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  stream,
  agent: 'mallory',
  correlationId: 'c',
  causationId: null,
  schemaVersion: 1,
  data,
  sequence: 1,
  streamVersion: 1,
  time: '2026-12-07T12:00:00.000Z',
});

describe('what a committed event adds to the search index', () => {
  it('given an agent event of 600 KB, then the document keeps at most the indexed text and none of the rest of the data', () => {
    const document = documentOfEvent(envelope('note.bulk', 'bulk-1', { blob: 'x'.repeat(600_000), audience: ['ana'] }));
    expect(document?.text.length).toBeLessThanOrEqual(MAX_INDEXED_CHARS);
    expect(document?.data).toEqual({ audience: ['ana'] });
    expect(documentOfEvent(envelope('note.small', 'notes', { text: 'hello' }))?.data).toEqual({});
  });

  it('indexes a message as a message (with its audience), and no event the bridge writes itself', () => {
    const sent = documentOfEvent(envelope('message.sent', 'thread-1', { id: 'm1', subject: 's', body: 'b', from: 'ana', audience: ['ana', 'bo'], at: '2026-12-07T12:00:00.000Z' }));
    expect(sent).toMatchObject({ kind: 'message', ref: 'm1', audience: ['ana', 'bo'] });
    expect(documentOfEvent(envelope('credential.issued', 'agent:bo', {}))).toBeUndefined();
  });
});
