import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { ModulesContainer } from '@nestjs/core';
import { rpcHandledBy } from './handles-rpc.decorator';

/** A controller method bound to its instance: takes the request frame's data, answers the reply (or its promise). */
export type LeanRoute = (data: unknown) => unknown;

const ENHANCERS = [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA] as const;
/** Nest registers APP_GUARD, APP_INTERCEPTOR, APP_PIPE and APP_FILTER providers under `<type> (UUID: …)`. */
const GLOBAL_ENHANCER = /^APP_(GUARD|INTERCEPTOR|PIPE|FILTER)\b/;

/**
 * The subjects whose messages may skip Nest's per-message pipeline: every handler declared with
 * `@HandlesRpc` on a static (singleton) controller that no guard, interceptor, pipe, filter or
 * parameter decorator applies to, in an application without global enhancers of its own (the
 * service's only one is the WireErrorFilter, which the lean path reproduces). Anything else
 * stays on Nest's path, so a handler that relies on an enhancer keeps it.
 */
export function findLeanRoutes(modules: ModulesContainer): Map<string, LeanRoute> {
  const routes = new Map<string, LeanRoute>();
  const declaredTwice = new Set<string>();
  for (const module of modules.values()) {
    for (const token of module.providers.keys()) {
      if (typeof token === 'string' && GLOBAL_ENHANCER.test(token)) return new Map();
    }
  }
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.isDependencyTreeStatic() || wrapper.isTransient || hasEnhancers(wrapper.metatype)) continue;
      for (const [name, method] of methodsOf(instance)) {
        const rpc = rpcHandledBy(method);
        if (!rpc) continue;
        if (routes.has(rpc.subject)) declaredTwice.add(rpc.subject);
        if (hasEnhancers(method) || Reflect.getMetadata(ROUTE_ARGS_METADATA, instance.constructor, name) !== undefined) {
          declaredTwice.add(rpc.subject);
          continue;
        }
        routes.set(rpc.subject, (data) => (method as (request: unknown) => unknown).call(instance, data));
      }
    }
  }
  for (const subject of declaredTwice) routes.delete(subject);
  return routes;
}

function hasEnhancers(target: unknown): boolean {
  if (typeof target !== 'function') return false;
  return ENHANCERS.some((key) => {
    const value: unknown = Reflect.getMetadata(key, target);
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });
}

/** The methods of an instance's prototype chain, the most derived first (getters are not read, own fields are not handlers). */
function methodsOf(instance: object): Map<string, unknown> {
  const methods = new Map<string, unknown>();
  for (let proto = Object.getPrototypeOf(instance) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name !== 'constructor' && !methods.has(name) && descriptor && 'value' in descriptor) methods.set(name, descriptor.value);
    }
  }
  return methods;
}
