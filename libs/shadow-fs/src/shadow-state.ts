import type { EventEnvelope } from '@lighthouse/contracts';
import { AgentsProjection } from './agents-projection';
import { AnnotationIndex, type Annotation } from './annotation-index';
import { DelegationsProjection } from './delegations-projection';
import { evolveTree, isFsEvent, type Applied } from './fs-evolve';
import { filesBelow, FsTree, type Change } from './fs-tree';
import { HistoryIndex } from './history-index';
import { splitProjectPath } from './mount-path';
import { ReservationsProjection } from './reservations-projection';

/** What applying one envelope did (`skipped`: not an fs event, or already applied). */
export type StateApplied = Applied | { status: 'skipped'; type: string; reason: string };

/**
 * Everything a mounter shows, folded from the event log: the project tree, its history, the
 * experts' annotations, who is connected, what work is open and who holds which reservations. Apply envelopes in sequence
 * order; one already applied (by sequence) is skipped, so the follower and a catch-up read may
 * both deliver it.
 */
export class ShadowState {
  readonly tree = new FsTree();
  readonly history = new HistoryIndex();
  readonly annotations = new AnnotationIndex();
  readonly agents = new AgentsProjection();
  readonly delegations = new DelegationsProjection();
  readonly reservations = new ReservationsProjection();
  private last = 0;
  private lastTime = 0;
  private conflicts = 0;

  /** Sequence of the last envelope applied (0 before any). */
  get lastSequence(): number {
    return this.last;
  }

  /** Commit time of the last envelope applied (ms since epoch). */
  get lastTimeMs(): number {
    return this.lastTime;
  }

  /** fs events that landed on a tree where they no longer fit (see {@link Applied}). */
  get conflictCount(): number {
    return this.conflicts;
  }

  apply(event: EventEnvelope): StateApplied {
    if (event.sequence <= this.last) return { status: 'skipped', type: event.type, reason: 'already applied' };
    this.last = event.sequence;
    this.lastTime = Date.parse(event.time);
    this.agents.apply(event);
    this.delegations.apply(event);
    this.reservations.apply(event);
    if (!isFsEvent(event.type)) return { status: 'skipped', type: event.type, reason: 'not an fs event' };
    const change: Change = { agent: event.agent, timeMs: this.lastTime, sequence: event.sequence };
    const applied = evolveTree(this.tree, event.type, event.data, change);
    if (applied.status === 'conflict') this.conflicts++;
    if (applied.status === 'applied') this.index(event, applied.paths);
    return applied;
  }

  /** History and annotations, which follow the tree. */
  private index(event: EventEnvelope, paths: string[]): void {
    // Validated by the reducer already.
    const data = event.data as Partial<Annotation>;
    const stamp = { sequence: event.sequence, time: event.time, timeMs: this.lastTime, agent: event.agent };
    switch (event.type) {
      case 'fs.file_written':
      case 'fs.file_renamed':
      case 'fs.directory_renamed': {
        const target = paths.at(-1) as string;
        const node = this.tree.lookup(splitProjectPath(target));
        if (!node) return;
        for (const file of filesBelow(node, splitProjectPath(target))) {
          const { size, hash, chunkSize, chunks, mode } = file.node;
          this.history.record(file.parts, { ...stamp, size, hash, chunkSize, chunks, mode });
        }
        return;
      }
      case 'fs.annotation_added': {
        const { sequence, time, agent } = stamp;
        const note: Annotation = { sequence, time, agent, kind: data.kind ?? 'note', text: data.text ?? '' };
        if (data.role) note.role = data.role;
        if (data.lines) note.lines = data.lines;
        this.annotations.add(splitProjectPath(paths[0] as string), note);
        return;
      }
    }
  }
}
