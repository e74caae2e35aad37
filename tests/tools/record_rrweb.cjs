#!/usr/bin/env node
/*
 * record_rrweb.cjs — record a test page with the real rrweb recorder in Chromium, with truth
 * screenshots, in the corpus layout (events.json, meta.json, truth/<ms>.png). Not run by the
 * test suite; its output is committed under tests/data/recordings/.
 *
 * Why: fidelity fixes need recordings of pages the corpus does not have (an anchor-heavy
 * documentation page, a WebGL canvas), made the same way as the corpus (rrweb 2.2.2, Chromium,
 * DPR 1), so the truth frames are the live page and not our own idea of it.
 *
 * Setup (outside the repository):
 *   apt-get install -y chromium
 *   mkdir -p /tmp/rrweb-rec && cd /tmp/rrweb-rec && npm install rrweb@2.2.2 playwright-core
 * Run from the repository root:
 *   NODE_PATH=/tmp/rrweb-rec/node_modules node tests/tools/record_rrweb.cjs anchor-desktop
 *   (scenarios: anchor-desktop, anchor-tablet, webgl)
 */
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', 'data');
// the package's main entry is dist/rrweb.umd.cjs; its exports map hides package.json
const RRWEB_DIR = path.resolve(path.dirname(require.resolve('rrweb')), '..');
const RRWEB = path.join(RRWEB_DIR, 'dist', 'rrweb.umd.min.cjs');
const PORT = 8765;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function serve(dir) {
  const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(req.url.split('?')[0].split('#')[0]).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !fs.existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(PORT, '127.0.0.1', () => resolve(server)));
}

const SCENARIOS = {
  'anchor-desktop': {
    site: 'anchor-site',
    context: { viewport: { width: 1440, height: 900 } },
    device: { isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
    options: {},
    description: 'Desktop visitor reads the replay guide: jumps to sections with the table of contents (smooth scroll to anchors with scroll-margin-top), opens a <details>, scrolls the sticky table of contents, filters it and jumps again.',
    async steps(page, shot) {
      await sleep(900);
      await shot('top of the guide');
      await page.click('nav.toc a[href="#mutations"]');
      await sleep(1500);
      await shot('anchor jump to 7. Mutations');
      await page.click('#mut-details summary');
      await sleep(700);
      await page.hover('nav.toc');
      await page.mouse.wheel(0, 420);
      await sleep(900);
      await shot('details open, table of contents scrolled');
      await page.click('nav.toc a[href="#troubleshooting-options"]');
      await sleep(1500);
      await shot('anchor jump to 20.2 from the scrolled contents');
      await page.click('#filter');
      await page.keyboard.type('seek', { delay: 90 });
      await sleep(700);
      await page.click('nav.toc li:not(.hidden) a[href="#seeking"]');
      await sleep(1500);
      await shot('filtered contents, jump to 16. Seeking');
    },
  },
  'anchor-tablet': {
    site: 'anchor-site',
    context: { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true },
    device: { isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
    options: {},
    description: 'Tablet visitor (portrait 820x1180) jumps to a section, opens the <details>, rotates to landscape (1180x820) and jumps to another section.',
    async steps(page, shot) {
      await sleep(800);
      await page.tap('nav.toc a[href="#full-snapshots"]');
      await sleep(1500);
      await shot('portrait: anchor jump to 5. Full snapshots');
      await page.tap('nav.toc a[href="#mutations-overview"]');
      await sleep(1500);
      await page.tap('#mut-details summary');
      await sleep(800);
      await shot('portrait: details opened at 7.1');
      await page.setViewportSize({ width: 1180, height: 820 });
      await sleep(1200);
      await shot('landscape after rotation');
      await page.tap('nav.toc a[href="#checkpoints-options"]');
      await sleep(1500);
      await shot('landscape: anchor jump to 17.2');
    },
  },
  webgl: {
    site: 'webgl-site',
    context: { viewport: { width: 800, height: 600 } },
    device: { isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
    options: { recordCanvas: true },
    description: 'Visitor clicks two canvases: one draws an orange triangle with WebGL 1, the other a green one with WebGL 2.',
    async steps(page, shot) {
      await sleep(600);
      await page.click('#gl');
      await sleep(300);
      await page.click('#gl2');
      await sleep(800);
      await shot('WebGL 1 and WebGL 2 triangles drawn');
    },
  },
};

async function main() {
  const name = process.argv[2];
  const sc = SCENARIOS[name];
  if (!sc) throw new Error('scenario must be one of ' + Object.keys(SCENARIOS).join(', '));
  const out = process.env.RECORD_OUT || path.join(ROOT, 'recordings', name);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'truth'), { recursive: true });
  const server = await serve(path.join(ROOT, sc.site));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--hide-scrollbars'],
  });
  const context = await browser.newContext({ deviceScaleFactor: 1, ...sc.context });
  const options = { maskInputOptions: { password: true }, inlineImages: true, inlineStylesheet: true, ...sc.options };
  await context.addInitScript({ content: fs.readFileSync(RRWEB, 'utf8') });
  await context.addInitScript(`(() => {
    if (location.protocol !== 'http:') return; // not on the initial about:blank (newPage hangs)
    window.__rrEvents = [];
    const start = () => rrweb.record(Object.assign({ emit: (e) => window.__rrEvents.push(e) }, ${JSON.stringify(options)}));
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
  })();`);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const shots = [];
  const viewportChanges = [];
  let first = null;
  const origSet = page.setViewportSize.bind(page);
  page.setViewportSize = async (vp) => {
    await origSet(vp);
    viewportChanges.push({ atMs: (await page.evaluate(() => Date.now())) - first, ...vp });
  };
  const shot = async (label) => {
    const at = await page.evaluate(() => [Date.now(), performance.now()]);
    const t0 = Date.now();
    const png = await page.screenshot({ animations: 'disabled', caret: 'hide' });
    const ms = at[0] - first;
    fs.writeFileSync(path.join(out, 'truth', ms + '.png'), png);
    shots.push({ ms, file: 'truth/' + ms + '.png', label, url: new URL(page.url()).pathname,
      viewport: page.viewportSize(), captureWindowMs: [ms, ms + (Date.now() - t0)] });
  };
  await page.goto('http://127.0.0.1:' + PORT + '/' + (process.env.RECORD_PAGE || 'index.html'));
  await page.waitForFunction(() => window.__rrEvents && window.__rrEvents.some((e) => e.type === 2));
  first = await page.evaluate(() => window.__rrEvents[0].timestamp);
  await sc.steps(page, shot);
  await sleep(300);
  const events = await page.evaluate(() => window.__rrEvents);
  const browserVersion = browser.version();
  await browser.close();
  server.close();
  fs.writeFileSync(path.join(out, 'events.json'), JSON.stringify(events));
  const meta = {
    sessionId: name,
    description: sc.description,
    device: sc.device,
    viewport: sc.context.viewport,
    viewportChanges,
    startedAt: events[0].timestamp,
    endedAt: events[events.length - 1].timestamp,
    durationMs: events[events.length - 1].timestamp - events[0].timestamp,
    eventCount: events.length,
    truthScreenshots: shots,
    recorder: { library: 'rrweb', version: JSON.parse(fs.readFileSync(path.join(RRWEB_DIR, 'package.json'), 'utf8')).version, options },
    browser: browserVersion,
  };
  fs.writeFileSync(path.join(out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  console.log(name + ': ' + events.length + ' events, moments ' + shots.map((s) => s.ms).join(', '));
}

main().catch((e) => {
  console.error(String((e && e.stack) || e));
  process.exit(1);
});
