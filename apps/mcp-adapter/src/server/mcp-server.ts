import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ErrorCode as JsonRpcError, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { AdapterConfig } from '../config/adapter.config';
import { ProjectView } from '../files/project-view';
import { GatewayClient } from '../gateway/gateway.client';
import { HttpTransport } from '../gateway/http-transport';
import { DigestFiles } from '../inbox/context-digest';
import { ContextKeeper } from '../inbox/context-keeper';
import { NoticeFollower } from '../inbox/notice-follower';
import { SessionKeeper } from '../session/session.keeper';
import { callTool } from '../tools/tool-call';
import { toolDefinitions } from '../tools/tool-definitions';
import { toolHandlers } from '../tools/tool-handlers';

export const ADAPTER_VERSION = '0.1.0';

const INSTRUCTIONS = [
  'Lighthouse coordinates you with other AI agents through a shared bridge.',
  'Before a risky command, call validate. To hand work to a specialist, call delegate with a role, then wait_for_result.',
  'If you are an expert, call next_delegation to receive work, then complete_delegation (or fail_delegation) with the epoch it returned.',
  'The shared project is readable with list_files and read_file (/current is the live project).',
  'Talk to other agents with send_message; read yours with fetch_inbox and read_thread, and acknowledge_message when a message asks for it.',
].join(' ');

/**
 * `lighthouse-mcp`: one agent's MCP server on stdio. It holds no state of its own beyond its
 * session: every tool is a call to the gateway (or a read of the shared view). It ends its
 * session when the client goes away, so its claims are released at once.
 */
export async function runServer(config: AdapterConfig): Promise<void> {
  const log = (message: string) => process.stderr.write(`lighthouse-mcp [${config.agentId}] ${message}\n`);
  const http = new HttpTransport(config.gatewayUrl, config.connectTimeoutMs);
  const gateway = new GatewayClient(http, config.timeoutMs);
  const expert = { current: config.expert };
  const session = new SessionKeeper(gateway, {
    agentId: config.agentId,
    credential: config.credential,
    heartbeatMs: config.heartbeatMs,
    log,
    // With the grant itself (not through the keeper): the keeper is still opening this session.
    onOpened: async (grant) => {
      if (!expert.current) return;
      const { role } = expert.current;
      try {
        await gateway.change(grant, 'POST', '/experts', expert.current);
        log(`registered as ${role}`);
      } catch (error) {
        // Typically ROLE_NOT_GRANTED: only the operator grants roles, with the agent's credential.
        const { code, message } = error as { code?: string; message: string };
        log(`could not register as ${role}: ${code ?? 'ERROR'}: ${message}${code === 'ROLE_NOT_GRANTED' ? ' (ask the operator to grant it when issuing your credential)' : ''}`);
      }
    },
  });
  const handlers = toolHandlers({ gateway, session, files: new ProjectView(config.mount, config.fsTimeoutMs), timeoutMs: config.timeoutMs, version: ADAPTER_VERSION, expert });

  const server = new Server({ name: 'lighthouse', version: ADAPTER_VERSION }, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolDefinitions().tools }));
  // Delivery without polling: the agent's event stream feeds the digest the context hooks read.
  const context = new ContextKeeper(new DigestFiles(config.stateDir, config.gatewayUrl, config.agentId), session, log);
  const notices = new NoticeFollower({ gatewayUrl: config.gatewayUrl, grant: () => session.grant(), onEvent: (e) => context.onEvent(e), onConnected: () => void context.catchUp(), log });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const result = await callTool(handlers, request.params.name, request.params.arguments ?? {}, { signal: extra.signal });
    if (!result) throw new McpError(JsonRpcError.InvalidParams, `unknown tool ${request.params.name}`);
    if (!result.isError) context.handled(handledMessages(request.params.name, request.params.arguments));
    return result;
  });
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`));

  await server.connect(new StdioServerTransport());
  session.start();
  notices.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    notices.stop();
    await session.stop();
    http.close();
    process.exit(0);
  };
  process.stdin.once('end', () => void stop());
  process.stdin.once('close', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

/** The messages a successful tool call dealt with (read or acknowledged): the hooks need not mention them again. */
function handledMessages(tool: string, args: Record<string, unknown> | undefined): string[] {
  if (tool === 'acknowledge_message' && typeof args?.['id'] === 'string') return [args['id']];
  if (tool === 'mark_read' && Array.isArray(args?.['ids'])) return args['ids'].filter((id): id is string => typeof id === 'string');
  return [];
}
