import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthProof, RPC, RpcRequest } from '@lighthouse/contracts';
import type { AgentIdentity } from './authenticate';

/** The request as the guard leaves it: with the identity it proved. */
export interface AuthenticatedRequest {
  id: string;
  lhIdentity?: AgentIdentity;
}

/** The identity the auth guard established for this request (agent routes only). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): AgentIdentity => {
  const identity = context.switchToHttp().getRequest<AuthenticatedRequest>().lhIdentity;
  if (!identity) throw new Error('no identity on an agent route: is the route marked public by mistake?');
  return identity;
});

/** The request id (the client's X-Request-Id when well-formed, else a new UUID), used as the correlation id. */
export const CorrelationId = createParamDecorator((_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<AuthenticatedRequest>().id);

/** What the registry needs to check the caller itself: the token and, for a change, timestamp and nonce. */
export function proofOf(identity: AgentIdentity): AuthProof {
  const { token, timestamp, nonce } = identity;
  return timestamp === undefined ? { token } : { token, timestamp, nonce };
}

/**
 * The proof of a signed route, typed as the registry's signed commands want it. The guard checks
 * the signature of every POST and DELETE before a handler runs, so the proof carries its
 * timestamp and nonce; were one missing, the registry would refuse the command (VALIDATION_FAILED).
 */
export function signedProofOf(identity: AgentIdentity): RpcRequest<typeof RPC.session.end>['auth'] {
  return proofOf(identity) as RpcRequest<typeof RPC.session.end>['auth'];
}
