import { randomUUID } from 'node:crypto';
import type { Credentials, GatewayClient, Reply } from './gateway-client';
import { codeOf, type Recorder } from './recorder';
import { fillTemplate, operationOf, pickWeighted, type MixEntry, type Scenario, type ToolCall, type ValidateKind } from './scenario';

export interface AgentRun {
  scenario: Scenario;
  client: GatewayClient;
  recorder: Recorder;
  /** Unique per run: part of every agent id and of every "new" command. */
  runId: string;
  /** When the agents stop (recorder clock, ms); moved earlier when the run is interrupted. */
  endsAt: number;
  /** Window in which agents open their sessions (ms). */
  rampUpMs: number;
  /** Resolves when the run is cut short: every pause ends at once. */
  halted: Promise<void>;
}

interface Grant {
  token: string;
  sessionKey: string;
  sessionId: string;
}

interface Delegation {
  id: string;
  kind: 'task' | 'validation';
  state: string;
  claimEpoch: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const uniform = (min: number, max: number) => min + Math.random() * (max - min);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/**
 * One virtual agent, as a real one behaves: it opens its session at some moment of the ramp,
 * heartbeats, and then either runs the mix (validate, delegate and wait, look around) with a
 * think time between steps, or, as an expert, long-polls for delegations and answers them.
 */
export class VirtualAgent {
  private grant?: Grant;
  private seq = 0;

  constructor(
    private readonly run: AgentRun,
    readonly agentId: string,
    private readonly credential: string,
    readonly expertRole: string | undefined,
  ) {}

  async live(): Promise<void> {
    await this.pause(Math.random() * this.run.rampUpMs);
    if (!(await this.openSession())) return;
    if (this.expertRole && !(await this.register(this.expertRole))) return;
    await Promise.all([this.heartbeats(), this.expertRole ? this.answerDelegations() : this.mix()]);
  }

  private get over(): boolean {
    return this.run.recorder.now() >= this.run.endsAt;
  }

  private get creds(): Credentials {
    return this.grant as Grant;
  }

  /** Opens the session, coming back when told to (429/503 with Retry-After) while the run lasts. */
  private async openSession(): Promise<boolean> {
    while (!this.over) {
      const reply = await this.run.recorder.time('session.create', () =>
        this.run.client.plain<Grant>('POST', '/sessions', { body: { agentId: this.agentId, credential: this.credential } }),
      );
      if (reply.status === 201) {
        this.grant = reply.body;
        return true;
      }
      await this.backOff(reply);
    }
    return false;
  }

  private async register(role: string): Promise<boolean> {
    const body = { role, capabilities: ['load-test'], capacity: this.run.scenario.agents.expertCapacity, status: 'available' };
    while (!this.over) {
      const reply = await this.call('expert.register', 'POST', '/experts', body);
      if (reply.status === 201) return true;
      await this.backOff(reply);
    }
    return false;
  }

  private async heartbeats(): Promise<void> {
    const everyMs = this.run.scenario.agents.heartbeatSeconds * 1000;
    await this.pause(Math.random() * everyMs);
    while (!this.over) {
      await this.call('heartbeat', 'POST', '/sessions/heartbeat');
      await this.pause(everyMs);
    }
  }

  private async mix(): Promise<void> {
    const { thinkSeconds } = this.run.scenario.agents;
    for (;;) {
      await this.pause(uniform(thinkSeconds.min, thinkSeconds.max) * 1000);
      if (this.over) return;
      const step = pickWeighted(this.run.scenario.mix, Math.random());
      const reply = await this.act(step);
      if (reply && !step.expect.includes(reply.status)) await this.backOff(reply);
    }
  }

  private act(step: MixEntry): Promise<Reply<unknown> | undefined> {
    const { scenario } = this.run;
    switch (step.action) {
      case 'validate':
        return this.validate(step.kind);
      case 'delegate':
        return this.delegate();
      case 'list_experts':
        return this.call(operationOf(step), 'GET', `/experts?role=${pick(scenario.agents.expertRoles)}&limit=20`);
      case 'list_delegations':
        return this.call(operationOf(step), 'GET', '/delegations?scope=mine&limit=20');
      case 'get_gone_delegation':
        return this.call(operationOf(step), 'GET', `/delegations/${randomUUID()}`);
    }
  }

  private async validate(kind: ValidateKind): Promise<Reply<unknown>> {
    const call = this.toolCall(kind);
    const reply = await this.call<{ decision: string; tier: string }>(`validate.${kind}`, 'POST', '/validate', { ...call, cwd: this.run.scenario.agents.cwd });
    if (reply.status === 200) this.run.recorder.decided(kind, reply.body.decision, reply.body.tier);
    return reply;
  }

  private toolCall(kind: ValidateKind): ToolCall {
    const call = pick(this.run.scenario.commands[kind]);
    return kind === 'new' || kind === 'escalate' ? fillTemplate(call, this.unique()) : call;
  }

  /** Delegates to a role and waits for the result: the round trip a requester lives through. */
  private async delegate(): Promise<Reply<unknown>> {
    const { scenario, recorder } = this.run;
    const started = recorder.now();
    const body = {
      target: { role: pickWeighted(scenario.delegation.targets, Math.random()).role },
      title: fillTemplate(scenario.delegation.title, this.unique()),
      body: scenario.delegation.body,
      deadlineSeconds: scenario.delegation.deadlineSeconds,
    };
    const created = await this.call<Delegation>('delegation.create', 'POST', '/delegations', body);
    if (created.status !== 201) return created;
    const waitMs = scenario.agents.delegationWaitMs;
    const waited = await this.call<Delegation>('delegation.wait', 'GET', `/delegations/${created.body.id}/wait?waitMs=${waitMs}`, undefined, waitMs + 10_000);
    if (this.over && waited.status === 0) return waited;
    const done = waited.status === 200 && waited.body.state === 'completed';
    // Not completed within the wait is a failed round trip, whatever status the wait answered with.
    recorder.add('delegation.round_trip', started, recorder.now() - started, done ? 200 : 599, done ? undefined : `NOT_COMPLETED(${waited.status} ${waited.body.state ?? waited.failure})`);
    return waited;
  }

  /** An expert's loop: wait for work, claim it, answer it. */
  private async answerDelegations(): Promise<void> {
    const pollMs = this.run.scenario.agents.expertPollMs;
    while (!this.over) {
      const next = await this.call<{ delegation: Delegation | null }>('delegation.next', 'GET', `/delegations/next?waitMs=${pollMs}`, undefined, pollMs + 10_000);
      if (next.status !== 200) {
        await this.backOff(next);
        continue;
      }
      const delegation = next.body.delegation;
      if (!delegation) continue;
      const claimed = await this.call<Delegation>('delegation.claim', 'POST', `/delegations/${delegation.id}/claim`, {});
      if (claimed.status !== 200) continue;
      const result = delegation.kind === 'validation' ? { decision: 'deny', reason: 'load-test expert: force pushes need a review' } : { verdict: 'approve', findings: [] };
      await this.call('delegation.complete', 'POST', `/delegations/${delegation.id}/complete`, { epoch: claimed.body.claimEpoch, result });
    }
  }

  /** A measured request of this agent; one cut off by the end of the run is not a sample. */
  private async call<T>(op: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs?: number): Promise<Reply<T>> {
    const { recorder, client } = this.run;
    const t = recorder.now();
    const reply = await client.agentCall<T>(this.creds, method, path, { body, timeoutMs, signed: op === 'delegation.next' });
    if (!(reply.status === 0 && this.over)) recorder.add(op, t, recorder.now() - t, reply.status, codeOf(reply));
    return reply;
  }

  /** Waits as told (Retry-After) or a second, as a well-behaved client does. */
  private backOff(reply: Reply<unknown>): Promise<void> {
    return this.pause((reply.retryAfterS ?? 1) * 1000);
  }

  /** Sleeps, but not past the end of the run. */
  private async pause(ms: number): Promise<void> {
    await Promise.race([sleep(Math.min(ms, this.run.endsAt - this.run.recorder.now())), this.run.halted]);
  }

  private unique(): string {
    return `${this.run.runId}-${this.agentId.split('-').pop()}-${++this.seq}`;
  }
}

/** The roles the experts of a run take, in turn. */
export const roleOf = (scenario: Scenario, expertIndex: number): string =>
  scenario.agents.expertRoles[expertIndex % scenario.agents.expertRoles.length] as string;
