import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ConsoleSession } from './console-session';

/** The console session the guard opened (routes marked `@Access('console')` only). */
export const Operator = createParamDecorator((_data: unknown, context: ExecutionContext): ConsoleSession => {
  const session = context.switchToHttp().getRequest<{ lhConsole?: ConsoleSession }>().lhConsole;
  if (!session) throw new Error('no console session on a console route: is the route marked @Access(\'console\')?');
  return session;
});
