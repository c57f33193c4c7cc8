import type { NatsConnection } from 'nats';

/** The parts of the nats.js (v2) protocol handler this module relies on; checked before use. */
interface ProtocolHandlerLike {
  outbound: { fill(buffer: Uint8Array, ...payloads: Uint8Array[]): void; size(): number };
  pendingLimit: number;
  flushPending(): void;
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
}

const encoder = new TextEncoder();

/**
 * One socket write per turn of the event loop instead of one per message (issue 16).
 *
 * nats.js queues each command and flushes the queue from a microtask, so a message sent from its
 * own callback (a request per HTTP request, a reply per answered validation) leaves in a write of
 * its own: one syscall per message here, and one read per message at the server. Deferring the
 * flush to `setImmediate` sends everything queued during one turn (every request of one socket
 * poll, every reply of one acknowledged journal group) in one write. It adds no wait for a lone
 * message beyond the rest of the current turn; a queue past the client's pending limit is still
 * flushed at once, and `flush()` (PING) still writes at once. `close()` writes what is queued
 * before it closes (the client alone would drop a message published in the same turn as close()).
 *
 * Returns false, changing nothing, when the client does not have the expected shape.
 */
export function coalesceWrites(connection: NatsConnection): boolean {
  const protocol = (connection as unknown as { protocol?: Partial<ProtocolHandlerLike> }).protocol;
  if (!isProtocolHandler(protocol)) return false;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    protocol.flushPending();
  };
  protocol.sendCommand = (cmd: string | Uint8Array, ...payloads: Uint8Array[]) => {
    protocol.outbound.fill(typeof cmd === 'string' ? encoder.encode(cmd) : cmd, ...payloads);
    if (protocol.outbound.size() >= protocol.pendingLimit) {
      protocol.flushPending();
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const close = connection.close.bind(connection);
  connection.close = () => {
    protocol.flushPending();
    return close();
  };
  return true;
}

function isProtocolHandler(protocol: Partial<ProtocolHandlerLike> | undefined): protocol is ProtocolHandlerLike {
  return (
    protocol !== undefined &&
    protocol !== null &&
    typeof protocol.sendCommand === 'function' &&
    typeof protocol.flushPending === 'function' &&
    typeof protocol.pendingLimit === 'number' &&
    typeof protocol.outbound?.fill === 'function' &&
    typeof protocol.outbound.size === 'function'
  );
}
