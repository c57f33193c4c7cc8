import { AgentDirectory, MessageBook } from '@lighthouse/messaging';
import type { EventStoreClient } from '@lighthouse/transport';
import { MAX_LOOKUPS_PER_MESSAGE, MessageRepository } from './message.repository';

describe('the message repository looking recipients up', () => {
  it('given a message naming 50 agents nobody issued, when it is sent, then only a few names cost store reads and none is known', async () => {
    // Given a store that holds no credential events (each read is counted)
    const reads: string[] = [];
    const store = { read: async (query: { stream: string }) => (reads.push(query.stream), { events: [], nextSequence: null }) } as unknown as EventStoreClient;
    const repo = new MessageRepository(store, new MessageBook(), new AgentDirectory());
    const names = Array.from({ length: 50 }, (_, i) => `made-up-${i}`);
    // When the send looks its recipients up
    await repo.lookUpAgents(names);
    // Then at most MAX_LOOKUPS_PER_MESSAGE names were read (two event types each), and none is an agent
    expect(new Set(reads).size).toBe(MAX_LOOKUPS_PER_MESSAGE);
    expect(reads.length).toBeLessThanOrEqual(2 * MAX_LOOKUPS_PER_MESSAGE);
    expect(names.filter((name) => repo.agents.has(name))).toEqual([]);
    // And the names looked up are remembered as absent: sending to them again reads nothing
    await repo.lookUpAgents(names.slice(0, MAX_LOOKUPS_PER_MESSAGE));
    expect(new Set(reads).size).toBe(MAX_LOOKUPS_PER_MESSAGE);
  });
});
