import { Agent, request as httpRequest } from 'node:http';
import { signRequest } from '@lighthouse/auth';
import type { SessionGrant } from '@lighthouse/contracts';
import type { E2eStack } from './e2e-stack';

/** One HTTP answer: status, parsed JSON body (or text), and headers. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: { get(name: string): string | null };
}

/** A request ready to send (and, for a replay test, to send again byte for byte). */
export interface Prepared {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

// node:http with keep-alive rather than fetch: fetch costs the client several milliseconds per
// request, which at 1000 concurrent agents would measure the client instead of the bridge.
const keepAlive = new Agent({ keepAlive: true, maxSockets: Infinity });

export function send<T = Record<string, unknown>>(prepared: Prepared): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(prepared.url, { method: prepared.method, headers: prepared.headers, agent: keepAlive }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: parsed(text) as T, headers: { get: (name) => headerValue(response.headers[name.toLowerCase()]) } });
      });
    });
    request.on('error', reject);
    request.end(prepared.body);
  });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON (metrics): keep the text
  }
}

const headerValue = (value: string | string[] | undefined): string | null => (value === undefined ? null : [value].flat().join(', '));

export interface RequestOptions {
  token?: string;
  /** Sign with this session key (a change); when omitted the request is unsigned. */
  sessionKey?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Builds a request as an agent (or a forger) would send it: bearer token, and signed when a key is given. */
export function prepare(base: string, method: string, path: string, options: RequestOptions = {}): Prepared {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.sessionKey) Object.assign(headers, signRequest(options.sessionKey, { method, path, body }));
  return { url: `${base}${path}`, method, headers: { ...headers, ...options.headers }, body };
}

/** The operator issues an agent's credential (through the admin route), granting it `roles` when given. */
export async function issueCredential(base: string, adminSecret: string, agentId: string, roles?: string[]): Promise<string> {
  const answer = await send<{ credential: string }>(prepare(base, 'POST', '/admin/agents', { token: adminSecret, body: roles ? { agentId, roles } : { agentId } }));
  if (answer.status !== 201) throw new Error(`issuing a credential for ${agentId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.credential;
}

/** An agent as a client like the MCP adapter drives it: one credential, one session, signed changes. */
export class AgentClient {
  grant?: SessionGrant;

  constructor(
    readonly base: string,
    readonly agentId: string,
    readonly credential: string,
  ) {}

  async start(): Promise<Answer<SessionGrant>> {
    const answer = await send<SessionGrant>(prepare(this.base, 'POST', '/sessions', { body: { agentId: this.agentId, credential: this.credential } }));
    if (answer.status === 201) this.grant = answer.body;
    return answer;
  }

  /** A signed change (POST, DELETE) with this agent's token and session key. */
  change<T = Record<string, unknown>>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<Answer<T>> {
    return send<T>(this.prepareChange(method, path, body));
  }

  prepareChange(method: 'POST' | 'DELETE', path: string, body?: unknown): Prepared {
    return this.prepareSigned(method, path, body);
  }

  /** Any request signed with the session key (changes, and reads that assign work such as `GET /delegations/next`). */
  prepareSigned(method: string, path: string, body?: unknown): Prepared {
    return prepare(this.base, method, path, { token: this.session.token, sessionKey: this.session.sessionKey, body });
  }

  /** A signed read: `GET /delegations/next` hands out work, so it needs the session key like a change. */
  signedGet<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return send<T>(this.prepareSigned('GET', path));
  }

  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return send<T>(prepare(this.base, 'GET', path, { token: this.session.token }));
  }

  /** The same agent through another gateway replica. */
  via(base: string): AgentClient {
    const other = new AgentClient(base, this.agentId, this.credential);
    other.grant = this.grant;
    return other;
  }

  get session(): SessionGrant {
    if (!this.grant) throw new Error(`${this.agentId} has no session`);
    return this.grant;
  }
}

/** An agent of the stack with its credential issued (granting `roles` when given) and its session open. */
export async function startedAgent(stack: Pick<E2eStack, 'gatewayUrl' | 'adminSecret'>, agentId: string, roles?: string[]): Promise<AgentClient> {
  const client = new AgentClient(stack.gatewayUrl, agentId, await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId, roles));
  const started = await client.start();
  if (started.status !== 201) throw new Error(`opening a session for ${agentId}: ${started.status} ${JSON.stringify(started.body)}`);
  return client;
}
