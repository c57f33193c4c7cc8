import { AgentIdSchema } from '@lighthouse/contracts';

export const AGENT_COMMAND_USAGE = [
  'usage: main.js issue-credential --agent <agent-id>   prints {"agentId","credential","issuedAt"} (the credential is shown once)',
  '       main.js revoke-agent --agent <agent-id>       ends every session of the agent and voids its credential',
  'environment: REDIS_URL, LH_REDIS_PREFIX, NATS_URL (the event store must be reachable: every change is an event)',
].join('\n');

/** The agent id of `--agent <id>` (or `--agent=<id>`); anything else is a usage error. */
export function parseAgentArgs(args: readonly string[]): string {
  let agentId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--agent') agentId = args[++i];
    else if (arg.startsWith('--agent=')) agentId = arg.slice('--agent='.length);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}\n${AGENT_COMMAND_USAGE}`);
  }
  const parsed = AgentIdSchema.safeParse(agentId);
  if (!parsed.success) throw new Error(`--agent needs an agent id (letters, digits, _ . @ -, up to 128)\n${AGENT_COMMAND_USAGE}`);
  return parsed.data;
}
