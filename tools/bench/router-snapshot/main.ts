// Where a router's start from its snapshot goes, in one process without the stack: the router's
// projections (delegations, messages, search) fed the start-up bench's history of BENCH_EVENTS
// events (default 1 000 000), then each step of a snapshot's life timed: capture, encode, seal,
// and on the way back open (HMAC), decode (digest, unpack) and restore, part by part, with each
// part's size. Direction only: the stack's own start (process, NATS, the object store read) is
// `npm run bench -- startup`.
import { randomBytes } from 'node:crypto';
import { eventChannelOf, type EventEnvelope } from '@lighthouse/contracts';
import { DelegationProjection, DEFAULT_RETENTION } from '@lighthouse/delegation';
import { AgentDirectory, MessageBook, SearchIndex, type SearchDocument } from '@lighthouse/messaging';
import { CompositeSnapshot, SnapshotKeyring, decodeSnapshot, encodeSnapshot, openSnapshot, sealSnapshot, type SnapshotPart } from '@lighthouse/snapshots';
import { EventStoreClient, type NatsBus } from '@lighthouse/transport';
import { MessageRepository } from '../../../apps/delegation-router/src/messages/message.repository';
import { MessagesConfigSchema } from '../../../apps/delegation-router/src/messages/messages.config';
import { documentOfDelegation, documentOfEvent } from '../../../apps/delegation-router/src/search/search-documents';
import { history } from '../startup/history';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const KIND = 'delegation-router';
const FOLLOWED = new Set(['delegation', 'message', 'credential', 'agent', 'other']);
const log = (line: string) => process.stderr.write(`[bench router-snapshot] ${line}\n`);

function timed<T>(what: string, into: Record<string, number>, run: () => T): T {
  const started = performance.now();
  const result = run();
  into[what] = Math.round(performance.now() - started);
  return result;
}

function router() {
  const config = MessagesConfigSchema.parse({});
  const delegations = new DelegationProjection(DEFAULT_RETENTION);
  const book = new MessageBook({ maxBytes: config.LH_MESSAGE_MEMORY_BYTES, maxInboxMessages: config.LH_MESSAGE_INBOX_MAX, retentionMs: config.LH_MESSAGE_RETENTION_S * 1000 });
  const messages = new MessageRepository(new EventStoreClient({} as NatsBus), book, new AgentDirectory());
  const search = new SearchIndex(200_000, 128 * 1024 * 1024);
  book.onEvicted((id) => search.remove('message', id));
  // As the search service of a router that is up: every change of a delegation indexed.
  delegations.on('change', (delegation) => search.put(documentOfDelegation(delegation)));
  const parts: Record<string, SnapshotPart> = { delegations, messages: book, search };
  const fold = (event: EventEnvelope) => {
    delegations.applyEnvelope(event);
    messages.applyEnvelope(event);
    const document = documentOfEvent(event);
    if (document && (document.kind !== 'message' || book.message(document.ref))) search.put(document);
  };
  return { delegations, book, search, parts, fold, composite: new CompositeSnapshot(1, parts) };
}

function main() {
  const keys = new SnapshotKeyring([{ id: 1, secret: randomBytes(32) }]);
  const source = router();
  const versions = new Map<string, number>();
  let sequence = 0;
  let folded = 0;
  const foldStarted = performance.now();
  for (const events of history(EVENTS)) {
    for (const event of events) {
      sequence++;
      if (!FOLLOWED.has(eventChannelOf(event))) continue;
      const streamVersion = (versions.get(event.stream) ?? 0) + 1;
      versions.set(event.stream, streamVersion);
      const at = typeof event.data['at'] === 'string' ? event.data['at'] : new Date().toISOString();
      source.fold({ ...event, sequence, streamVersion, time: at } as EventEnvelope);
      folded++;
    }
  }
  log(`folded ${folded} of ${sequence} events in ${Math.round(performance.now() - foldStarted)} ms; delegations held ${source.delegations.size} (${JSON.stringify(source.delegations.retained)}), search documents ${source.search.size}`);

  const save: Record<string, number> = {};
  const state = timed('capture_ms', save, () => source.composite.snapshot());
  const body = timed('encode_ms', save, () => encodeSnapshot({ kind: KIND, stateVersion: 1, sequence, state }));
  const sealed = timed('seal_ms', save, () => sealSnapshot(keys, KIND, sequence, body));
  const parts = Object.fromEntries(Object.entries(state).map(([name, value]) => [name, encodeSnapshot({ kind: KIND, stateVersion: 1, sequence, state: value }).length]));

  const load: Record<string, number> = {};
  const opened = timed('open_hmac_ms', load, () => openSnapshot(keys, KIND, sealed));
  if (!opened.ok) throw new Error(opened.reason);
  const decoded = timed('decode_ms', load, () => decodeSnapshot(opened.body, { kind: KIND, stateVersion: 1, lastSequence: sequence }));
  if (!decoded.ok) throw new Error(decoded.reason);
  const target = router();
  for (const [name, part] of Object.entries(target.parts)) timed(`restore_${name}_ms`, load, () => part.restore((decoded.state as Record<string, unknown>)[name]));
  // What the search service does once the router is up: every delegation held back in the index (those unchanged since the snapshot are skipped).
  timed('search_reindex_ms', load, () => {
    const reindex = process.env['BENCH_REINDEX'] === 'put' ? (d: SearchDocument) => target.search.put(d) : (d: SearchDocument) => target.search.refresh(d);
    for (const { delegation } of target.delegations.all()) reindex(documentOfDelegation(delegation));
  });
  load['total_ms'] = Object.values(load).reduce((a, b) => a + b, 0);
  process.stdout.write(`${JSON.stringify({ bench: 'router-snapshot', events: sequence, folded, snapshot_bytes: sealed.length, part_bytes: parts, save, load })}\n`);
}

main();

