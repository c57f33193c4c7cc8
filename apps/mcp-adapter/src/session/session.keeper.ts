import { LighthouseError, type HeartbeatResult, type SessionGrant } from '@lighthouse/contracts';
import type { CallOptions, GatewayClient } from '../gateway/gateway.client';

export interface SessionKeeperOptions {
  agentId: string;
  credential: string;
  heartbeatMs: number;
  log: (message: string) => void;
  /** Runs after every new session (not after a refresh): re-registers the expert, which lives as long as its session. */
  onOpened?: (grant: SessionGrant) => Promise<void>;
}

/** Refresh a token when this share of its life is gone. */
const REFRESH_AT = 0.75;
const RETRY_MS = 5_000;

/**
 * The agent's one session, kept for as long as the adapter runs: opened on start, its token
 * refreshed before it expires, heartbeats so the session (and the claims and expert registration
 * it holds) stay alive, a new session when the gateway says this one ended. Every agent call
 * goes through {@link SessionKeeper.get} / {@link SessionKeeper.change}, which retry once with
 * a new session when the gateway refuses the token.
 */
export class SessionKeeper {
  private current?: SessionGrant;
  private opening?: Promise<SessionGrant>;
  private lastFailure?: LighthouseError;
  private refreshTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: GatewayClient,
    private readonly options: SessionKeeperOptions,
  ) {}

  /** The agent this adapter acts for. */
  get agentId(): string {
    return this.options.agentId;
  }

  /** Opens the session in the background and starts the heartbeat. */
  start(): void {
    this.grant().catch(() => undefined);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** The session's grant, opening a session when there is none (one attempt at a time). */
  grant(): Promise<SessionGrant> {
    if (this.stopped) return Promise.reject(new LighthouseError('SERVICE_UNAVAILABLE', 'the adapter is shutting down'));
    if (this.current) return Promise.resolve(this.current);
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** The last reason a session could not be opened, if the adapter has none now. */
  get failure(): LighthouseError | undefined {
    return this.current ? undefined : this.lastFailure;
  }

  get<T>(path: string, options?: CallOptions): Promise<T> {
    return this.withSession((grant) => this.client.get<T>(grant, path, options));
  }

  change<T>(method: 'POST' | 'DELETE' | 'GET', path: string, body?: unknown, options?: CallOptions): Promise<T> {
    return this.withSession((grant) => this.client.change<T>(grant, method, path, body, options));
  }

  /** Ends the session (its claims are released at once, its expert registration withdrawn). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.refreshTimer);
    const grant = this.current ?? (await this.opening?.catch(() => undefined));
    this.current = undefined;
    if (!grant) return;
    await this.client.change(grant, 'DELETE', `/sessions/${grant.sessionId}`, undefined, { timeoutMs: 2_000 }).catch((error: Error) => {
      this.options.log(`could not end session ${grant.sessionId}: ${error.message}`);
    });
  }

  private async withSession<T>(call: (grant: SessionGrant) => Promise<T>): Promise<T> {
    const grant = await this.grant();
    try {
      return await call(grant);
    } catch (error) {
      if (!(error instanceof LighthouseError) || error.code !== 'UNAUTHENTICATED') throw error;
      // The token expired or the session ended (idle, revoked): one more try with a new session.
      this.forget(grant);
      return call(await this.grant());
    }
  }

  private async open(): Promise<SessionGrant> {
    const { agentId, credential } = this.options;
    try {
      const grant = await this.client.openSession(agentId, credential);
      this.lastFailure = undefined;
      this.adopt(grant);
      this.options.log(`session ${grant.sessionId} opened for ${agentId} at ${this.client.baseUrl}`);
      await this.options.onOpened?.(grant).catch((error: Error) => this.options.log(`after opening the session: ${error.message}`));
      return grant;
    } catch (error) {
      this.lastFailure = explain(error, agentId, this.client.baseUrl);
      this.options.log(`no session: ${this.lastFailure.code}: ${this.lastFailure.message}`);
      throw this.lastFailure;
    }
  }

  private adopt(grant: SessionGrant): void {
    this.current = grant;
    clearTimeout(this.refreshTimer);
    const lifeMs = Date.parse(grant.tokenExpiresAt) - Date.now();
    const inMs = Math.max(1_000, lifeMs * REFRESH_AT);
    this.refreshTimer = setTimeout(() => void this.refresh(grant), inMs);
    this.refreshTimer.unref();
  }

  private forget(grant: SessionGrant): void {
    if (this.current?.sessionId === grant.sessionId) this.current = undefined;
  }

  private async refresh(grant: SessionGrant): Promise<void> {
    if (this.stopped || this.current !== grant) return;
    try {
      this.adopt(await this.client.change<SessionGrant>(grant, 'POST', '/sessions/refresh'));
    } catch (error) {
      if (error instanceof LighthouseError && error.code === 'UNAUTHENTICATED') {
        this.forget(grant);
        await this.grant().catch(() => undefined);
      } else {
        this.options.log(`token refresh failed, retrying: ${(error as Error).message}`);
        this.refreshTimer = setTimeout(() => void this.refresh(grant), RETRY_MS);
        this.refreshTimer.unref();
      }
    }
  }

  /** Keeps the session alive; brings a lost session back (unless the credential itself was refused). */
  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    const grant = this.current;
    if (!grant) {
      if (this.lastFailure?.code !== 'UNAUTHENTICATED') await this.grant().catch(() => undefined);
      return;
    }
    try {
      await this.client.change<HeartbeatResult>(grant, 'POST', '/sessions/heartbeat');
    } catch (error) {
      if (!(error instanceof LighthouseError) || error.code !== 'UNAUTHENTICATED') return this.options.log(`heartbeat failed: ${(error as Error).message}`);
      this.forget(grant);
      await this.grant().catch(() => undefined);
    }
  }
}

/** A failure to open a session, said so that whoever reads it knows what to fix. */
function explain(error: unknown, agentId: string, baseUrl: string): LighthouseError {
  if (!(error instanceof LighthouseError)) return new LighthouseError('INTERNAL', `opening a session failed: ${(error as Error).message}`);
  if (error.code === 'UNAUTHENTICATED') {
    return new LighthouseError(
      'UNAUTHENTICATED',
      `the gateway at ${baseUrl} refused the credential of agent ${agentId} (${error.message}); check LIGHTHOUSE_AGENT_ID and LIGHTHOUSE_CREDENTIAL, or ask an operator for a new credential`,
    );
  }
  return new LighthouseError(error.code, `opening a session at ${baseUrl} failed: ${error.message}`);
}
