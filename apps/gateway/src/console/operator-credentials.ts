import { Inject, Injectable } from '@nestjs/common';
import { LighthouseError, RPC, type OperatorCredentialInfo } from '@lighthouse/contracts';
import { RegistryClient } from '../registry/registry.client';
import type { ConsoleSession } from './console-session';

/** How long one gateway trusts what the registry said of an operator's credential: a revocation reaches every console session within this. */
export const OPERATOR_CHECK_TTL_MS = 2_000;

/**
 * Whether a console session opened with an operator credential still stands: the credential it
 * was opened with (same issue time: not re-issued) is neither revoked nor expired. Asked of the
 * registry at most once per {@link OPERATOR_CHECK_TTL_MS} per operator, per gateway.
 */
@Injectable()
export class OperatorCredentials {
  private readonly cache = new Map<string, { at: number; info: Promise<OperatorCredentialInfo | undefined> }>();

  constructor(@Inject(RegistryClient) private readonly registry: RegistryClient) {}

  /** Throws UNAUTHENTICATED when the session's credential no longer stands; admin-secret sessions always stand. */
  async check(session: ConsoleSession, nowMs = Date.now()): Promise<void> {
    if (session.via !== 'operator-credential') return;
    const info = await this.infoOf(session.operator, nowMs);
    const stands = info !== undefined && info.revokedAt === null && Date.parse(info.issuedAt) === session.credentialIssuedAt && Date.parse(info.expiresAt) > nowMs;
    if (!stands) throw new LighthouseError('UNAUTHENTICATED', 'the operator credential of this console session was revoked, replaced or has expired; sign in again');
  }

  /** Whose live credential this is (sign-in), or UNAUTHENTICATED. */
  authenticate(credential: string): Promise<OperatorCredentialInfo> {
    return this.registry.send(RPC.session.authenticateOperator, { credential });
  }

  /** Forgets what this gateway knew of an operator (it revoked or re-issued the credential itself). */
  forget(name: string): void {
    this.cache.delete(name);
  }

  private infoOf(name: string, nowMs: number): Promise<OperatorCredentialInfo | undefined> {
    const cached = this.cache.get(name);
    if (cached && nowMs - cached.at < OPERATOR_CHECK_TTL_MS) return cached.info;
    const info = this.registry.send(RPC.session.operatorCredentials, { name }).then((list) => list.operators[0]);
    this.cache.set(name, { at: nowMs, info });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value as string);
    // A failed ask is not remembered: the next request asks again (and fails closed meanwhile).
    info.catch(() => this.cache.get(name)?.info === info && this.cache.delete(name));
    return info;
  }
}
