import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  IssueOperatorCredentialRequestSchema,
  OperatorNameSchema,
  RPC,
  type IssueOperatorCredentialRequest,
  type IssuedOperatorCredential,
  type OperatorCredentialInfo,
  type OperatorCredentialList,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { Access } from '../auth/access.decorator';
import { OperatorCredentials } from '../console/operator-credentials';
import { RegistryClient } from '../registry/registry.client';
import { EmptyBodySchema } from '../sessions/empty-body';

/**
 * Operator credentials for the console, behind `Authorization: Bearer <LH_ADMIN_SECRET>`: issue
 * one for a named human (shown once), list them, revoke one (its console sessions end within seconds).
 */
@Controller('admin/operators')
@Access('admin')
export class AdminOperatorsController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(OperatorCredentials) private readonly operators: OperatorCredentials,
  ) {}

  @Post()
  async issue(@Body(new ZodValidationPipe(IssueOperatorCredentialRequestSchema)) body: IssueOperatorCredentialRequest): Promise<IssuedOperatorCredential> {
    const issued = await this.registry.send(RPC.session.issueOperatorCredential, { ...body, via: 'http' });
    this.operators.forget(body.name);
    return issued;
  }

  @Get()
  list(): Promise<OperatorCredentialList> {
    return this.registry.send(RPC.session.operatorCredentials, {});
  }

  @Post(':name/revoke')
  @HttpCode(200)
  async revoke(@Param('name', new ZodValidationPipe(OperatorNameSchema)) name: string, @Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown): Promise<OperatorCredentialInfo> {
    const revoked = await this.registry.send(RPC.session.revokeOperatorCredential, { name, via: 'http' });
    this.operators.forget(name);
    return revoked;
  }
}
