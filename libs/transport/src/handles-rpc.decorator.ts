import { MessagePattern } from '@nestjs/microservices';
import { parseRequest, type RpcDefinition, type RpcParsedRequest, type RpcReplyInput } from '@lighthouse/contracts';

type Handler<R extends RpcDefinition> = (request: RpcParsedRequest<R>, ...rest: never[]) => RpcReplyInput<R> | Promise<RpcReplyInput<R>>;

/** The rpc each parsing handler {@link HandlesRpc} made answers (what the lean dispatch looks for). */
const rpcOfHandler = new WeakMap<object, RpcDefinition>();

/**
 * Declares a Nest message handler for an rpc of the contract table: it listens on the rpc's
 * subject, and its first argument is the request parsed against the rpc's schema (defaults
 * applied). A request that does not parse is answered VALIDATION_FAILED and never reaches the
 * handler. The compiler checks the handler's argument and answer against the definition.
 */
export function HandlesRpc<R extends RpcDefinition>(rpc: R) {
  return <T extends Handler<R>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T> => {
    const handler = descriptor.value as unknown as (...args: unknown[]) => unknown;
    const parsing = function (this: unknown, request: unknown, ...rest: unknown[]) {
      return handler.call(this, parseRequest(rpc, request), ...rest);
    };
    Object.defineProperty(parsing, 'name', { value: handler.name });
    rpcOfHandler.set(parsing, rpc);
    descriptor.value = parsing as unknown as T;
    MessagePattern(rpc.subject)(target, key, descriptor);
    return descriptor;
  };
}

/** The rpc a method declared with {@link HandlesRpc} answers (undefined for any other function). */
export function rpcHandledBy(method: unknown): RpcDefinition | undefined {
  return typeof method === 'function' ? rpcOfHandler.get(method) : undefined;
}
