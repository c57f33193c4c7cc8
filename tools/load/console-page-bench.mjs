// node tools/load/console-page-bench.mjs [--ref <git ref>] [--rate 300] [--seconds 15] [--filter text] [--per-event]
// The console page's own cost, without the stack: its bundle (the working tree's, or the one at a git
// ref) against a stand-in gateway that streams --rate events a second (batched every 200 ms as the
// gateway does, or one SSE message per event with --per-event, as it did before); one headless
// Chromium page on the timeline; prints its main-thread work (CDP Performance metrics) and the CPU
// of every Chromium process over the window as one JSON line. A smoke, for A/B on the same machine.
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({ options: { ref: { type: 'string' }, rate: { type: 'string', default: '300' }, seconds: { type: 'string', default: '15' }, filter: { type: 'string', default: '' }, 'per-event': { type: 'boolean', default: false } } });
const rate = Number(opts.rate);
const seconds = Number(opts.seconds);
const WEB = 'apps/gateway/console-web';

let dir = join(root, WEB);
let scratch;
if (opts.ref) {
  scratch = mkdtempSync(join(tmpdir(), 'lh-console-page-'));
  for (const file of execFileSync('git', ['ls-tree', '--name-only', `${opts.ref}:${WEB}`], { cwd: root }).toString().trim().split('\n'))
    writeFileSync(join(scratch, file), execFileSync('git', ['show', `${opts.ref}:${WEB}/${file}`], { cwd: root }));
  dir = scratch;
}
const bundle = await build({ entryPoints: [join(dir, 'main.js')], bundle: true, write: false, format: 'esm', minify: true, nodePaths: [join(root, 'node_modules')], logLevel: 'error' });
const js = bundle.outputFiles[0].text;
if (scratch) rmSync(scratch, { recursive: true });

const shell = '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body data-page="timeline"><div id="app"></div><script type="module" src="/console/assets/app.js"></script></body></html>';
const TYPES = ['validation.decided', 'validation.decided', 'validation.decided', 'session.heartbeat', 'delegation.created', 'agent.note'];
let sequence = 0;
const nextEvent = () => {
  sequence += 1;
  const type = TYPES[sequence % TYPES.length];
  const agent = `agent-${sequence % 1000}`;
  return { id: `e${sequence}`, sequence, type, stream: type === 'agent.note' ? `notes-${sequence % 50}` : agent, agent, time: new Date().toISOString(), data: { decision: sequence % 7 ? 'allow' : 'deny', tier: 'repeat', tool: 'Bash', latencyMs: Math.random() * 5, effects: [] } };
};
const json = (res, body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/console/assets/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
  if (path === '/console/api/me') return json(res, { operator: 'bench', csrfToken: 'bench' });
  if (path === '/console/api/snapshot') return json(res, { operator: 'bench', head: { lastSequence: 0, chainHead: '' }, events: [], delegations: [], health: null });
  if (path === '/console/api/delegations') return json(res, { delegations: [], open: 0 });
  if (path === '/console/api/reservations') return json(res, { reservations: [] });
  if (path === '/console/api/messages') return json(res, { events: [] });
  if (path === '/console/api/stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let pending = [];
    const make = setInterval(() => {
      for (let i = 0; i < 10; i++) {
        const event = nextEvent();
        if (opts['per-event']) res.write(`id: ${event.sequence}\nevent: committed\ndata: ${JSON.stringify(event)}\n\n`);
        else pending.push(event);
      }
    }, 10_000 / rate);
    const flush = setInterval(() => {
      if (pending.length > 0) res.write(`event: batch\ndata: ${JSON.stringify(pending)}\n\n`);
      pending = [];
    }, 200);
    req.on('close', () => { clearInterval(make); clearInterval(flush); });
    return;
  }
  if (path.startsWith('/console/api/')) return json(res, {});
  res.writeHead(200, { 'content-type': 'text/html' }).end(shell);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({ executablePath: process.env.LH_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/console/timeline`);
  await page.getByLabel('Filter the live timeline').fill(opts.filter);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const chromiumCpuS = () => Number(execSync("ps -eo comm=,cputimes= | awk '$1 ~ /^chrom/ {s+=$2} END {print s+0}'").toString());
  const [cpu0, before, t0] = [chromiumCpuS(), await metrics(), Date.now()];
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const [after, cpu1] = [await metrics(), chromiumCpuS()];
  const wallS = (Date.now() - t0) / 1000;
  const perS = (name) => Math.round(((after[name] - before[name]) * 1000) / wallS);
  console.log(JSON.stringify({ bundle: opts.ref ?? 'working tree', stream: opts['per-event'] ? 'per-event' : 'batched', rate, filter: opts.filter, taskMsPerS: perS('TaskDuration'), scriptMsPerS: perS('ScriptDuration'), layoutMsPerS: perS('LayoutDuration'), styleMsPerS: perS('RecalcStyleDuration'), chromiumCpuPct: Math.round(((cpu1 - cpu0) * 100) / wallS), loadAvg: (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ') }));
} finally {
  await browser.close();
  server.close();
}
