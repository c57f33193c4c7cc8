import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { LighthouseError, toWireError } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { throwError, type Observable } from 'rxjs';

/** Turns every error a handler throws into the stable `{ code, message }` on the wire. */
@Catch()
export class WireErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown): Observable<never> {
    if (!(exception instanceof LighthouseError)) {
      this.logger.error({ err: exception }, 'unexpected error in handler');
    }
    return throwError(() => toWireError(exception));
  }
}
