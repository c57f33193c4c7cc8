import { AgentIdSchema, GrantedRolesSchema } from '@lighthouse/contracts';

export const AGENT_COMMAND_USAGE = [
  'usage: main.js issue-credential --agent <agent-id> [--roles <role,role…>]',
  '         prints {"agentId","credential","issuedAt","roles","sessionsEnded"} (the credential is shown once);',
  '         the agent may register as an expert only for the roles granted here; re-issuing ends the old sessions',
  '       main.js revoke-agent --agent <agent-id>       ends every session of the agent and voids its credential',
  'environment: REDIS_URL, LH_REDIS_PREFIX, NATS_URL (the event store must be reachable: every change is an event)',
].join('\n');

/** What an agent command acts on: the agent, and (issue-credential only) the roles granted. */
export interface AgentArgs {
  agentId: string;
  roles: string[];
}

/**
 * `--agent <id>` (or `--agent=<id>`), and `--roles a,b` (or `--roles=a,b`) when `roles` are
 * accepted; anything else is a usage error.
 */
export function parseAgentArgs(args: readonly string[], options: { roles?: boolean } = {}): AgentArgs {
  let agentId: string | undefined;
  let roles: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--agent') agentId = args[++i];
    else if (arg.startsWith('--agent=')) agentId = arg.slice('--agent='.length);
    else if (options.roles && arg === '--roles') roles = args[++i] ?? '';
    else if (options.roles && arg.startsWith('--roles=')) roles = arg.slice('--roles='.length);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}\n${AGENT_COMMAND_USAGE}`);
  }
  const parsed = AgentIdSchema.safeParse(agentId);
  if (!parsed.success) throw new Error(`--agent needs an agent id (letters, digits, _ . @ -, up to 128)\n${AGENT_COMMAND_USAGE}`);
  return { agentId: parsed.data, roles: parseRoles(roles) };
}

function parseRoles(list: string | undefined): string[] {
  if (list === undefined || list.trim() === '') return [];
  const roles = GrantedRolesSchema.safeParse(list.split(',').map((role) => role.trim()));
  if (!roles.success) throw new Error(`--roles needs roles separated by commas (lower-case letters, digits and _, up to 64 each; at most 32)\n${AGENT_COMMAND_USAGE}`);
  return roles.data;
}
