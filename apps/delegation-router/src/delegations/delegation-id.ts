import { createHash } from 'node:crypto';

/**
 * The id of the delegation an agent's signed request creates: a UUID (version 8) from a hash of
 * the agent and the request's nonce, so the same request made twice names the same delegation.
 */
export function delegationIdOf(agent: string, nonce: string): string {
  const hex = createHash('sha256').update(`lh-delegation\n${agent}\n${nonce}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
