// Lighthouse load test for k6 (v0.57 or later runs TypeScript as it is): 100 or 1000 virtual
// agents against a gateway, each behaving as a real agent does. The scenarios (mix, commands,
// targets) are tools/load/scenarios.json, the same file the local driver (`npm run load`) reads.
//
//   k6 run -e LH_GATEWAY_URL=https://lighthouse.example.com -e LH_ADMIN_SECRET=… \
//          -e LH_AGENTS=1000 -e LH_DURATION=60s tools/load/k6/lighthouse-agents.ts
//
// LH_GATEWAY_URL   the gateway's base URL (required)
// LH_ADMIN_SECRET  the operator secret; setup() issues each agent a credential with it (required)
// LH_AGENTS        virtual agents (default 100); a tenth become experts (scenarios.json)
// LH_DURATION      how long the agents run (default: the profile of that many agents, else 30s)
// LH_THINK         seconds between two steps of an agent, "min-max" (default from scenarios.json)
//
// Thresholds encode the targets of scenarios.json; k6 exits 99 when one fails. The event store's
// append latency and the services' memory are not visible from here: read them in Prometheus
// (README, "Load testing").
import { sleep } from 'k6';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { MixEntry, Scenario, ToolCall } from '../driver/scenario';

const scenario = JSON.parse(open(import.meta.resolve('../scenarios.json'))) as Scenario;

const BASE = required('LH_GATEWAY_URL').replace(/\/$/, '');
const AGENTS = Number(__ENV['LH_AGENTS'] ?? 100);
const DURATION = __ENV['LH_DURATION'] ?? scenario.profiles[String(AGENTS)]?.duration ?? '30s';
const EXPERTS = scenario.agents.expertShare === 0 ? 0 : Math.min(AGENTS, Math.max(1, Math.round(AGENTS * scenario.agents.expertShare)));
const THINK = thinkRange(__ENV['LH_THINK']) ?? scenario.agents.thinkSeconds;
const RAMP_S = Math.min(scenario.agents.rampUpSeconds, seconds(DURATION) / 10);
const PROBE_VUS = scenario.baselineProbePerSecond > 0 ? 2 : 0;
const EXPECT: Record<string, number[]> = Object.fromEntries(scenario.mix.map((m) => [operationOf(m), m.expect]));

/** Every operation's latency, tagged `op`; one Trend per latency target over several operations. */
const latency = new Trend('lh_op_ms', true);
const targetTrends: Record<string, { trend: Trend; ops: string[] }> = {};
const unexpected = new Counter('lh_unexpected_errors');
const deliberate = new Counter('lh_deliberate_4xx');

export const options: Options = {
  setupTimeout: '10m',
  summaryTrendStats: ['p(50)', 'p(95)', 'p(99)', 'max', 'count'],
  scenarios: {
    ...(EXPERTS > 0 ? { experts: { executor: 'constant-vus', exec: 'expert', vus: EXPERTS, duration: DURATION, gracefulStop: `${Math.ceil(scenario.agents.expertPollMs / 1000) + 10}s` } } : {}),
    ...(AGENTS > EXPERTS ? { agents: { executor: 'constant-vus', exec: 'agent', vus: AGENTS - EXPERTS, duration: DURATION, gracefulStop: `${Math.ceil(scenario.agents.delegationWaitMs / 1000) + 10}s` } } : {}),
    ...(PROBE_VUS > 0
      ? { probe: { executor: 'constant-arrival-rate', exec: 'probe', rate: scenario.baselineProbePerSecond, timeUnit: '1s', duration: DURATION, preAllocatedVUs: PROBE_VUS, maxVUs: PROBE_VUS } }
      : {}),
  },
  thresholds: thresholds(),
};

/** k6 thresholds from the targets of scenarios.json (the ones a client can see). */
function thresholds(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const target of scenario.targets) {
    if (target.source === 'errors') out['lh_unexpected_errors'] = [`count<=${target.max ?? 0}`];
    if (target.source || target.maxMs === undefined) continue; // event store and memory: Prometheus
    const stat = `p(${(target.stat ?? 'p99').slice(1)})<${target.maxMs}`;
    if (target.ops === 'every-gateway-call') {
      for (const [op, meta] of Object.entries(scenario.operations)) {
        if (!meta.longPoll && !meta.derived && !op.startsWith('baseline.')) out[`lh_op_ms{op:${op}}`] = [stat];
      }
    } else if (target.ops) {
      const name = `lh_target_${target.id}`;
      targetTrends[name] = { trend: new Trend(name, true), ops: target.ops };
      out[name] = [stat];
    }
  }
  return out;
}

interface Grant {
  token: string;
  sessionKey: string;
}

interface SetupData {
  runId: string;
  credentials: string[];
}

/** Issues a credential to every virtual agent (by VU number), 50 requests at a time, granting the scenario's expert roles. */
export function setup(): SetupData {
  const admin = required('LH_ADMIN_SECRET');
  const runId = Math.random().toString(16).slice(2, 8);
  const credentials: string[] = [];
  const total = AGENTS + PROBE_VUS;
  for (let i = 0; i < total; i += 50) {
    const batch = Array.from({ length: Math.min(50, total - i) }, (_, j) => ({
      method: 'POST',
      url: `${BASE}/admin/agents`,
      body: JSON.stringify({ agentId: agentId(runId, i + j + 1), roles: scenario.agents.expertRoles }),
      params: { headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } },
    }));
    for (const res of http.batch(batch)) {
      if (res.status !== 201) exec.test.abort(`issuing credentials: ${res.status} ${String(res.body)}`);
      credentials.push((res.json() as { credential: string }).credential);
    }
  }
  return { runId, credentials };
}

// Per-VU state (each VU has its own copy of this module).
let grant: Grant | undefined;
let nextBeatAt = 0;
let seq = 0;

/** A mix agent: think, then one step of the mix (validate, delegate and wait, look around). */
export function agent(data: SetupData): void {
  if (!grant) return void start(data);
  heartbeatIfDue();
  sleep(THINK.min + Math.random() * (THINK.max - THINK.min));
  const step = pickWeighted(scenario.mix, Math.random());
  switch (step.action) {
    case 'validate':
      return void validate(step.kind, data.runId);
    case 'delegate':
      return void delegate(data.runId);
    case 'list_experts':
      return void call('experts.list', 'GET', `/experts?role=${pick(scenario.agents.expertRoles)}&limit=20`);
    case 'list_delegations':
      return void call('delegations.list', 'GET', '/delegations?scope=mine&limit=20');
    case 'get_gone_delegation':
      return void call('delegation.get_gone', 'GET', `/delegations/${uuid()}`);
  }
}

/** An expert: registered under a role, long-polls for delegations, claims and completes them. */
export function expert(data: SetupData): void {
  if (!grant) {
    start(data);
    const role = scenario.agents.expertRoles[exec.vu.idInTest % scenario.agents.expertRoles.length] as string;
    const body = { role, capabilities: ['load-test'], capacity: scenario.agents.expertCapacity, status: 'available' };
    if (grant && call('expert.register', 'POST', '/experts', body).status !== 201) grant = undefined;
    return;
  }
  heartbeatIfDue();
  const pollMs = scenario.agents.expertPollMs;
  const next = call('delegation.next', 'GET', `/delegations/next?waitMs=${pollMs}`, undefined, pollMs + 10_000);
  const delegation = next.status === 200 ? (next.json('delegation') as { id: string; kind: string } | null) : null;
  if (!delegation) return;
  const claimed = call('delegation.claim', 'POST', `/delegations/${delegation.id}/claim`, {});
  if (claimed.status !== 200) return;
  const result = delegation.kind === 'validation' ? { decision: 'deny', reason: 'load-test expert: force pushes need a review' } : { verdict: 'approve', findings: [] };
  call('delegation.complete', 'POST', `/delegations/${delegation.id}/complete`, { epoch: claimed.json('claimEpoch'), result });
}

/** The same machine's (or network's) noise: GET /health/live at a fixed rate, no auth. */
export function probe(): void {
  const res = http.get(`${BASE}/health/live`, { tags: { op: 'baseline.live' } });
  latency.add(res.timings.duration, { op: 'baseline.live' });
}

/** First iteration: wait for this agent's moment in the ramp, then open the session. */
function start(data: SetupData): void {
  if (exec.vu.iterationInScenario === 0) sleep(Math.random() * RAMP_S);
  const credential = data.credentials[exec.vu.idInTest - 1] as string;
  const res = measured('session.create', () =>
    http.post(`${BASE}/sessions`, JSON.stringify({ agentId: agentId(data.runId, exec.vu.idInTest), credential }), { headers: { 'content-type': 'application/json' }, tags: { op: 'session.create' } }),
  );
  if (res.status === 201) {
    grant = res.json() as unknown as Grant;
    nextBeatAt = Date.now() + Math.random() * scenario.agents.heartbeatSeconds * 1000;
  } else {
    sleep(Number(res.headers['Retry-After'] ?? 1));
  }
}

function heartbeatIfDue(): void {
  if (Date.now() < nextBeatAt) return;
  call('heartbeat', 'POST', '/sessions/heartbeat');
  nextBeatAt = Date.now() + scenario.agents.heartbeatSeconds * 1000;
}

function validate(kind: keyof Scenario['commands'], runId: string): void {
  const template = pick(scenario.commands[kind]);
  const toolCall: ToolCall = kind === 'new' || kind === 'escalate' ? fill(template, unique(runId)) : template;
  call(`validate.${kind}`, 'POST', '/validate', { ...toolCall, cwd: scenario.agents.cwd });
}

/** Delegates to a role and waits for the result: the round trip a requester lives through. */
function delegate(runId: string): void {
  const started = Date.now();
  const body = {
    target: { role: pickWeighted(scenario.delegation.targets, Math.random()).role },
    title: fill(scenario.delegation.title, unique(runId)),
    body: scenario.delegation.body,
    deadlineSeconds: scenario.delegation.deadlineSeconds,
  };
  const created = call('delegation.create', 'POST', '/delegations', body);
  if (created.status !== 201) return;
  const waitMs = scenario.agents.delegationWaitMs;
  const waited = call('delegation.wait', 'GET', `/delegations/${created.json('id')}/wait?waitMs=${waitMs}`, undefined, waitMs + 10_000);
  const done = waited.status === 200 && waited.json('state') === 'completed';
  record('delegation.round_trip', Date.now() - started, done ? 200 : 599, done ? '' : 'NOT_COMPLETED');
}

/** A measured request of this agent: bearer token, and signed when it changes state or asks for work. */
function call(op: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, timeoutMs = 30_000) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Bearer ${(grant as Grant).token}` };
  if (text !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' || op === 'delegation.next') Object.assign(headers, signedHeaders((grant as Grant).sessionKey, method, path, text ?? ''));
  return measured(op, () => http.request(method, `${BASE}${path}`, text ?? null, { headers, tags: { op }, timeout: `${timeoutMs}ms` }));
}

function measured(op: string, send: () => http.RefinedResponse<http.ResponseType | undefined>) {
  const res = send();
  const code = res.status >= 400 ? String((res.json('code') as string | undefined) ?? '') : '';
  record(op, res.timings.duration, res.status, code);
  if (res.status === 429 || res.status === 503) sleep(Number(res.headers['Retry-After'] ?? 1));
  return res;
}

function record(op: string, ms: number, status: number, code: string): void {
  latency.add(ms, { op });
  for (const { trend, ops } of Object.values(targetTrends)) if (ops.includes(op)) trend.add(ms, { op });
  const expected = EXPECT[op] ?? [200, 201];
  if (!expected.includes(status)) unexpected.add(1, { op, status: String(status), code });
  else if (status >= 400) deliberate.add(1, { op, status: String(status) });
}

/**
 * `X-LH-Timestamp`, `X-LH-Nonce`, `X-LH-Signature`: base64url HMAC-SHA256 under the session key of
 * `LH-SIG-1\nMETHOD\npath?query\ntimestamp\nnonce\nbase64url(SHA-256(body))` (libs/auth signRequest).
 */
export function signedHeaders(sessionKey: string, method: string, path: string, body: string, nowS = Math.floor(Date.now() / 1000), nonce = encoding.b64encode(crypto.randomBytes(18), 'rawurl')): Record<string, string> {
  const canonical = ['LH-SIG-1', method.toUpperCase(), path, String(nowS), nonce, crypto.sha256(body, 'base64rawurl')].join('\n');
  const signature = crypto.hmac('sha256', encoding.b64decode(sessionKey, 'rawurl'), canonical, 'base64rawurl');
  return { 'x-lh-timestamp': String(nowS), 'x-lh-nonce': nonce, 'x-lh-signature': signature };
}

// ---- the scenario helpers (as tools/load/driver/scenario.ts has them for the driver) ----

function pickWeighted<T extends { weight: number }>(items: readonly T[], u: number): T {
  let left = u * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) if ((left -= item.weight) < 0) return item;
  return items[items.length - 1] as T;
}

function fill<T>(value: T, n: string): T {
  if (typeof value === 'string') return value.split('{n}').join(n) as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, n)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, n)])) as T;
  return value;
}

function operationOf(entry: MixEntry): string {
  if (entry.action === 'validate') return `validate.${entry.kind}`;
  return { delegate: 'delegation.create', list_experts: 'experts.list', list_delegations: 'delegations.list', get_gone_delegation: 'delegation.get_gone' }[entry.action];
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const agentId = (runId: string, vu: number) => `${scenario.agents.idPrefix}-${runId}-${String(vu - 1).padStart(5, '0')}`;
const unique = (runId: string) => `${runId}-${exec.vu.idInTest}-${++seq}`;

function uuid(): string {
  const hex = Array.from(new Uint8Array(crypto.randomBytes(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function seconds(duration: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of duration.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) ?? []) total += parseFloat(m) * (unit[m.replace(/[\d.]/g, '')] as number);
  return total;
}

function thinkRange(text: string | undefined): { min: number; max: number } | undefined {
  const match = text ? /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text) : null;
  return match ? { min: Number(match[1]), max: Number(match[2]) } : undefined;
}

function required(name: string): string {
  const value = __ENV[name];
  if (!value) throw new Error(`set ${name} (k6 run -e ${name}=…); see the head of this script`);
  return value;
}
