import { LighthouseError } from '@lighthouse/contracts';
import { isToolName, TOOL_INPUTS } from './tool-definitions';
import type { ToolContext, toolHandlers } from './tool-handlers';
import { toolFailure, toolSuccess, type ToolResult } from './tool-result';

/**
 * One `tools/call`: the arguments checked against the tool's schema, the handler run, its
 * answer or failure turned into a tool result. Undefined for a tool that does not exist (a
 * protocol error, not a tool error).
 */
export async function callTool(handlers: ReturnType<typeof toolHandlers>, name: string, args: unknown, context: ToolContext): Promise<ToolResult | undefined> {
  if (!isToolName(name)) return undefined;
  const parsed = TOOL_INPUTS[name].input.safeParse(args);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return toolFailure(new LighthouseError('VALIDATION_FAILED', `invalid arguments for ${name}: ${problems}`));
  }
  try {
    const handler = handlers[name] as (input: unknown, context: ToolContext) => Promise<unknown>;
    return toolSuccess(await handler(parsed.data, context));
  } catch (error) {
    return toolFailure(error);
  }
}
