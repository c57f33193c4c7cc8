import { RESERVATIONS_STREAM, type Actor, type EventEnvelope, type ReservationConflict, type ReservationEvent, type ValidateRequest } from '@lighthouse/contracts';
import { normalise } from '@lighthouse/policy';
import { describeHeld, heldAgainst, ReservationBook, writeTargetsOf, type WriteTarget } from '@lighthouse/reservations';
import { LRUCache } from 'lru-cache';
import { RequestKeyCache } from './decision-cache';
import { workspaceOf } from './workspace';

/** Tools that never change a file: never checked against reservations (reads are never blocked). */
const READ_ONLY = new Set(['Read', 'Glob', 'Grep', 'LS', 'NotebookRead', 'TodoRead', 'TodoWrite', 'WebSearch', 'WebFetch']);

export interface ReservationGuardOptions {
  workspaceRoot: string;
  homeDir: string;
  environment: string;
  strict: boolean;
  /** Calls whose write targets are remembered (by the raw request, as the memory tier keys them). */
  cacheEntries: number;
}

/** The reservation a call runs into, as the validation answer carries it. */
export interface ReservationDeny {
  reason: string;
  reservation: ReservationConflict;
}

/**
 * Reservations at tool-call time. The book is folded from the store's reservation events (so every
 * replica holds what the router granted, in log order), and checked on every call before any tier:
 * its answer depends on who holds what now, so it is never taken from, nor put into, the memory
 * tier or the shared Redis cache. What a call writes is computed once per distinct request (the
 * effect model, unbounded by the reply's effect cap, plus the sources of `mv`) and remembered.
 */
export class ReservationGuard {
  readonly book = new ReservationBook();
  private readonly targets: LRUCache<string, WriteTarget[]>;

  constructor(private readonly options: ReservationGuardOptions) {
    this.targets = new LRUCache({ max: options.cacheEntries });
  }

  /** Folds a committed event; only the bridge's own stream counts (agents cannot write it). */
  onEvent(event: EventEnvelope): void {
    if (event.stream !== RESERVATIONS_STREAM || !event.type.startsWith('reservation.')) return;
    this.book.apply({ type: event.type, data: event.data } as ReservationEvent, String(event.data['at'] ?? event.time));
  }

  /** The reservation that forbids this call, if any. */
  check(actor: Actor, request: ValidateRequest, now = Date.now()): ReservationDeny | undefined {
    if (this.book.size === 0 || READ_ONLY.has(request.tool)) return undefined;
    const held = heldAgainst(this.book, actor.agent, this.targetsOf(request), { root: this.options.workspaceRoot, strict: this.options.strict, now });
    if (!held) return undefined;
    const { id, holder, pattern, mode, reason, expiresAt, epoch } = held.held;
    return {
      reason: `${held.path} is reserved: ${describeHeld(held.held)}; wait for it, or ask ${holder} to release it`,
      reservation: { id, holder, pattern, mode, reason, expiresAt, epoch, path: held.path.slice(0, 1024) },
    };
  }

  private targetsOf(request: ValidateRequest): WriteTarget[] {
    const raw = RequestKeyCache.rawKeyOf(request.tool, request.cwd ?? '', request.input);
    const known = this.targets.get(raw);
    if (known) return known;
    const { workspaceRoot, homeDir, environment } = this.options;
    let found: WriteTarget[] = [];
    try {
      found = writeTargetsOf(normalise({ tool: request.tool, input: request.input }, { ...workspaceOf(workspaceRoot, request.cwd), homeDir, environment }));
    } catch {
      // A call the normaliser refuses is answered by the policy (fail closed); it writes nothing we can name.
    }
    this.targets.set(raw, found);
    return found;
  }
}
