#!/usr/bin/env node
/*
 * rrweb_reference.cjs — screenshots of rrweb's own Replayer at the truth moments of a recording
 * made by record_rrweb.cjs, like the corpus's rrweb/<ms>.png (mouseTail off, UNSAFE_replayCanvas,
 * one Replayer paused at each moment in turn). Not run by the test suite: score_reference.py
 * turns the screenshots into the `rrwebWithin` figures kept in meta.json, so the PNGs need not
 * be committed.
 *
 *   NODE_PATH=/tmp/rrweb-rec/node_modules node tests/tools/rrweb_reference.cjs <recording dir> <out dir>
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const RRWEB_DIR = path.resolve(path.dirname(require.resolve('rrweb')), '..');

async function main() {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: rrweb_reference.cjs <recording dir> <out dir>');
  const events = JSON.parse(fs.readFileSync(path.join(dir, 'events.json'), 'utf8'));
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  fs.mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--hide-scrollbars'],
  });
  const context = await browser.newContext({ deviceScaleFactor: 1, viewport: { width: 2000, height: 1400 } });
  await context.route('http://**', (r) => r.abort()); // the recording only, as in the corpus
  const page = await context.newPage();
  await page.setContent('<!doctype html><html><body style="margin:0"><div id="root"></div></body></html>');
  await page.addStyleTag({ content: fs.readFileSync(path.join(RRWEB_DIR, 'dist', 'style.css'), 'utf8') });
  await page.addScriptTag({ content: fs.readFileSync(path.join(RRWEB_DIR, 'dist', 'rrweb.umd.min.cjs'), 'utf8') });
  await page.evaluate((evs) => {
    window.replayer = new rrweb.Replayer(evs, { root: document.getElementById('root'), mouseTail: false,
      UNSAFE_replayCanvas: true, showWarning: false });
    const s = document.createElement('style');
    s.textContent = '.replayer-mouse { display: none !important; } .replayer-wrapper { position: absolute; left: 0; top: 0; }';
    document.head.appendChild(s);
  }, events);
  for (const t of meta.truthScreenshots) {
    await page.evaluate((ms) => window.replayer.pause(ms), t.ms);
    // pause() scrolls with behavior "auto", which a page with `scroll-behavior: smooth` animates:
    // score the settled frame, not the animation
    await page.waitForTimeout(2000);
    const box = await page.evaluate(() => {
      const f = document.querySelector('.replayer-wrapper iframe');
      const r = f.getBoundingClientRect();
      return { x: r.left + f.clientLeft, y: r.top + f.clientTop, width: f.clientWidth, height: f.clientHeight };
    });
    const png = await page.screenshot({ clip: box, animations: 'disabled', caret: 'hide' });
    fs.writeFileSync(path.join(out, t.ms + '.png'), png);
    console.log(t.ms, JSON.stringify(box));
  }
  await browser.close();
}

main().catch((e) => {
  console.error(String((e && e.stack) || e));
  process.exit(1);
});
