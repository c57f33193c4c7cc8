import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@lighthouse/contracts';
import { CommittedRuns, halves, runsOf } from './committed-runs';

const at = (sequence: number, type: string, data: Record<string, unknown> = type === 'validation.decided' ? TRAINING : {}): EventEnvelope => ({
  id: randomUUID(),
  type,
  stream: 's',
  agent: 'a',
  correlationId: 'c',
  causationId: null,
  schemaVersion: 1,
  data,
  sequence,
  streamVersion: sequence,
  time: new Date(0).toISOString(),
});

/** A decision that teaches the pattern model (first-hand): channel `validation`. */
const TRAINING = { decision: 'allow', training: { features: ['git'], source: 'policy', agent: 'a' } };

describe('committed events cut into per-channel messages', () => {
  it('publishes decisions that teach nothing (a memory hit) apart from those that teach, without a gap between them', () => {
    // Given a memory hit between two first-hand decisions, and one of an older layout without the field
    const runs = new CommittedRuns(0);
    const messages = runs.messagesOf([at(1, 'validation.decided'), at(2, 'validation.decided', { decision: 'allow', training: null }), at(3, 'validation.decided', { decision: 'deny' }), at(4, 'validation.decided')]);
    // Then the hits go on the verdict channel, which the speed layer does not follow
    expect(messages.map((m) => [m.channel, m.events.map((e) => e.sequence)])).toEqual([
      ['validation', [1]],
      ['verdict', [2, 3]],
      ['validation', [4]],
    ]);
    // and the next teaching decision says the last one before it was 1: a follower at 2 has missed none
    expect(messages[2]?.before).toMatchObject({ validation: 1, verdict: 3 });
  });

  it('cuts runs of one channel with consecutive sequences', () => {
    const runs = runsOf([at(1, 'validation.decided'), at(2, 'validation.decided'), at(3, 'delegation.created'), at(5, 'delegation.claimed'), at(6, 'note.added')]);
    expect(runs.map((run) => [run.channel, run.events.map((e) => e.sequence)])).toEqual([
      ['validation', [1, 2]],
      ['delegation', [3]],
      ['delegation', [5]],
      ['other', [6]],
    ]);
  });

  it('bounds each channel by its last event before the run, from the head at start', () => {
    // Given a log at head 10
    const runs = new CommittedRuns(10);
    // When appends come back in order
    const first = runs.messagesOf([at(11, 'validation.decided'), at(12, 'validation.decided')]);
    const second = runs.messagesOf([at(13, 'delegation.created')]);
    const third = runs.messagesOf([at(14, 'validation.decided')]);
    // Then each message says where each channel's last earlier event is at most
    expect(first[0]?.before).toMatchObject({ validation: 10, delegation: 10, fs: 10 });
    expect(second[0]?.before).toMatchObject({ validation: 12, delegation: 10 });
    expect(third[0]?.before).toMatchObject({ validation: 12, delegation: 13 });
    expect(runs.bounds()).toMatchObject({ validation: 14, delegation: 13, fs: 10 });
  });

  it('bounds every channel just before a run that comes ahead of an earlier one, until the hole is filled', () => {
    const runs = new CommittedRuns(0);
    // Given sequence 2 handed out before 1
    const early = runs.messagesOf([at(2, 'delegation.created')], 0);
    const late = runs.messagesOf([at(1, 'fs.file_written')], 1);
    const next = runs.messagesOf([at(3, 'delegation.claimed')], 2);
    // Then the early run tells every follower it may have missed sequence 1
    expect(early[0]?.before).toMatchObject({ fs: 1, delegation: 1, validation: 1 });
    // and once the hole is filled the bounds are exact again
    expect(late[0]?.before).toMatchObject({ fs: 0, delegation: 2 });
    expect(next[0]?.before).toMatchObject({ fs: 1, delegation: 2, validation: 0 });
  });

  it('closes a hole that never fills after the grace period, bounding every channel past it once', () => {
    const runs = new CommittedRuns(0, 1000);
    // Given sequence 1 committed but never handed out
    runs.messagesOf([at(2, 'fs.file_written')], 0);
    const during = runs.messagesOf([at(3, 'fs.file_written')], 500);
    const after = runs.messagesOf([at(4, 'fs.file_written')], 1500);
    const later = runs.messagesOf([at(5, 'fs.file_written')], 1600);
    expect(during[0]?.before.delegation).toBe(2);
    expect(after[0]?.before).toMatchObject({ delegation: 1, fs: 3 });
    expect(later[0]?.before).toMatchObject({ delegation: 1, fs: 4 });
  });

  it('halves a message, the second half bounded by the first', () => {
    const runs = new CommittedRuns(0);
    const [message] = runs.messagesOf([at(1, 'fs.a'), at(2, 'fs.b'), at(3, 'fs.c')]);
    const [head, tail] = halves(message as NonNullable<typeof message>);
    expect(head.events.map((e) => e.sequence)).toEqual([1, 2]);
    expect(tail.events.map((e) => e.sequence)).toEqual([3]);
    expect(tail.before.fs).toBe(2);
  });
});
