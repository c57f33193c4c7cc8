// The heartbeat-like rpc both rpc benches serve (rpc-path in-process, rpc-cpu in a service
// process): a small strict schema and a small reply, on subjects under `prefix`.
import { Controller, Module, type Type } from '@nestjs/common';
import { defineRpc } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { z } from 'zod';

export const beatOf = (prefix: string) =>
  defineRpc({
    subject: `lh.${prefix}.cmd.heartbeat.v1`,
    request: z.strictObject({ sessionId: z.string().min(1).max(64), nonce: z.string().min(8).max(64), at: z.number().int().optional() }),
    reply: z.strictObject({ ok: z.literal(true), expiresAt: z.number().int() }),
  });

/** A module whose one controller answers {@link beatOf}(prefix) through @HandlesRpc. */
export function beatModuleFor(prefix: string): Type<unknown> {
  const beat = beatOf(prefix);
  @Controller()
  class BeatController {
    @HandlesRpc(beat)
    heartbeat(command: { sessionId: string }): { ok: true; expiresAt: number } {
      return { ok: true, expiresAt: command.sessionId.length + 60_000 };
    }
  }
  @Module({ controllers: [BeatController] })
  class BeatModule {}
  return BeatModule;
}
