import { Inject, Injectable } from '@nestjs/common';
import { hashCredential } from '@lighthouse/auth';
import {
  LighthouseError,
  OPERATOR_CREDENTIAL_LIMITS,
  type AuthenticateOperatorCommand,
  type IssueOperatorCredentialCommand,
  type IssuedOperatorCredential,
  type ListOperatorCredentialsCommand,
  type OperatorCredentialInfo,
  type OperatorCredentialList,
  type RevokeOperatorCredentialCommand,
} from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { LOGGER } from '@lighthouse/transport';
import { randomBytes } from 'node:crypto';
import { infoOf, refusalOf } from './operator-credential';
import { OperatorStore } from './operator.store';

const newOperatorCredential = (): string => `lho_${randomBytes(32).toString('base64url')}`;

/** Operator credentials for the console: issue (shown once), revoke, list, and check one at sign-in. */
@Injectable()
export class OperatorsService {
  constructor(
    @Inject(OperatorStore) private readonly store: OperatorStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async issue(command: IssueOperatorCredentialCommand): Promise<IssuedOperatorCredential> {
    const credential = newOperatorCredential();
    const nowMs = Date.now();
    const previous = await this.store.get(command.name);
    const record = { name: command.name, hash: hashCredential(credential), issuedMs: nowMs, expiresMs: nowMs + command.ttlSeconds * 1000, revokedMs: null };
    await this.store.put(record, previous?.hash);
    this.logger.info({ operator: command.name, via: command.via, expiresAt: infoOf(record).expiresAt }, 'operator credential issued');
    return { ...infoOf(record), credential };
  }

  async revoke(command: RevokeOperatorCredentialCommand): Promise<OperatorCredentialInfo> {
    const record = await this.store.get(command.name);
    if (!record) throw new LighthouseError('NOT_FOUND', `no operator credential for ${command.name}`);
    const nowMs = Date.now();
    if (record.revokedMs === null) await this.store.revoke(record, nowMs);
    this.logger.info({ operator: command.name, via: command.via }, 'operator credential revoked');
    return infoOf({ ...record, revokedMs: record.revokedMs ?? nowMs });
  }

  async list(command: ListOperatorCredentialsCommand): Promise<OperatorCredentialList> {
    if (command.name !== undefined) {
      const record = await this.store.get(command.name);
      return { operators: record ? [infoOf(record)] : [] };
    }
    return { operators: (await this.store.list(OPERATOR_CREDENTIAL_LIMITS.list)).map(infoOf) };
  }

  async authenticate(command: AuthenticateOperatorCommand): Promise<OperatorCredentialInfo> {
    const hash = hashCredential(command.credential);
    const name = await this.store.nameOf(hash);
    const record = name === undefined ? undefined : await this.store.get(name);
    const refusal = refusalOf(record, hash, Date.now());
    if (refusal || !record) {
      this.logger.info({ operator: name, refusal }, 'operator credential refused');
      throw new LighthouseError('UNAUTHENTICATED', 'not a live operator credential');
    }
    return infoOf(record);
  }
}
