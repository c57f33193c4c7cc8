import { LighthouseError, type WireError } from '@lighthouse/contracts';

/** A `tools/call` answer: the JSON as text (what a model reads) and as structured content. */
export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export function toolSuccess(value: unknown): ToolResult {
  const structured = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: structured };
}

/**
 * A failure as an MCP tool error: the stable code and the message, never a crash of the
 * adapter. Anything that is not a LighthouseError is an internal error, without its details.
 */
export function toolFailure(error: unknown): ToolResult {
  const wire: WireError = error instanceof LighthouseError ? error.toWire() : { code: 'INTERNAL', message: 'internal error in the Lighthouse adapter' };
  return { isError: true, content: [{ type: 'text', text: `${wire.code}: ${wire.message}` }], structuredContent: { error: wire } };
}
