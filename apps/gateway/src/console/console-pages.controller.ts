import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LighthouseError } from '@lighthouse/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access.decorator';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { ConsoleAuth } from './console-auth';

/** The console's pages (client-side routes of one app) and the sign-in page. */
export const CONSOLE_PAGES = ['agents', 'delegations', 'decisions', 'escalations', 'timeline', 'health', 'sla', 'messages'] as const;

const ASSET_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', map: 'application/json' };

/** No inline script, nothing from elsewhere, never framed: the page runs only the bundle the build made. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const shell = (page: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lighthouse console</title>
<link rel="stylesheet" href="/console/assets/app.css">
</head>
<body data-page="${page}">
<div id="app"><noscript>The Lighthouse console needs JavaScript.</noscript></div>
<script type="module" src="/console/assets/app.js"></script>
</body>
</html>
`;

/**
 * `GET /console/<page>`: the console's one page for a signed-in operator; without a session, a
 * redirect to the sign-in page (an agent's token opens nothing). The assets (the bundle the build
 * made, no CDN) are public: they hold no data.
 */
@Controller('console')
@Access('public')
export class ConsolePagesController {
  private readonly assetsDir: string;

  constructor(
    @Inject(ConsoleAuth) private readonly auth: ConsoleAuth,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.assetsDir = config.LH_CONSOLE_ASSETS_DIR ?? join(__dirname, 'console');
  }

  @Get()
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.page('agents', request, reply);
  }

  @Get('sign-in')
  signIn(@Res() reply: FastifyReply): void {
    void reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(shell('sign-in'));
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const match = /^[a-z0-9-]{1,40}\.(js|css|map)$/.exec(file);
    if (!match) throw new LighthouseError('NOT_FOUND', 'no such console asset');
    const body = await readFile(join(this.assetsDir, file)).catch(() => undefined);
    if (!body) throw new LighthouseError('NOT_FOUND', `console asset ${file} is not built (npm run build)`);
    void reply.headers({ 'content-type': ASSET_TYPES[match[1] as string] as string, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).send(body);
  }

  @Get(':page')
  named(@Param('page') page: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!(CONSOLE_PAGES as readonly string[]).includes(page)) throw new LighthouseError('NOT_FOUND', `no console page ${page.slice(0, 40)}`);
    this.page(page, request, reply);
  }

  private page(page: string, request: FastifyRequest, reply: FastifyReply): void {
    if (!this.auth.sessionOf(request.headers)) {
      void reply.status(303).headers({ location: '/console/sign-in', 'cache-control': 'no-store' }).send();
      return;
    }
    void reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(shell(page));
  }
}
