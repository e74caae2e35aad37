#!/usr/bin/env node
/*
 * third_party_fixtures.cjs — turn rrweb's own test recordings (TypeScript modules under
 * packages/rrweb/test/events/*.ts in github.com/rrweb-io/rrweb, MIT) into plain JSON event
 * arrays our importer reads, plus a SOURCES.json naming repository, commit, path and licence.
 * Not run by the test suite; tests/formats/test_third_party.py and
 * tests/ui/test_third_party_replay.py read its output.
 *
 * Why: our own recordings all come from one recorder setup; recordings made by others
 * (rrweb's fixtures are hand-written edge cases: shadow DOM, adopted sheets, <dialog>,
 * timestamps from 0, a bad <textarea>...) find what ours cannot. The fixtures are TypeScript
 * (`const now = Date.now(); const events: eventWithTime[] = [...]; export default events;`
 * with rrweb's enums), so they are evaluated in a bare vm context: imports and type
 * annotations are stripped, the enums are given by value (rrweb's numbering, which is the
 * format), and Date.now() is a fixed instant so the output is reproducible.
 * The output is kept outside this repository (the fetched data is not ours to commit);
 * point REPLAYDESK_THIRD_PARTY at it.
 *
 * Run from the repository root, with a clone (or bare git dir) of rrweb:
 *   node tests/tools/third_party_fixtures.cjs /path/to/rrweb /tmp/third_party
 *   (writes /tmp/third_party/rrweb/<fixture>.json and /tmp/third_party/rrweb/SOURCES.json)
 *   further arguments name other fixtures to convert instead of the set below (for a look
 *   at the rest: the tests read only the set below)
 * A PostHog blob file (frontend/src/scenes/session-recordings/__mocks__/recording_snapshots.jsonl
 * in github.com/PostHog/posthog, MIT outside ee/) is already JSON Lines: copy it as is to
 * <out>/posthog/recording_snapshots.jsonl.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { execFileSync } = require('child_process');

// A handful of small, varied fixtures (name -> why it is worth having).
const FIXTURES = {
  'scroll': 'nodes added by mutation, then window and element scrolls',
  'input': 'form inputs: text, checkbox, radio, select',
  'hover': 'timestamps from 0, a :hover rule, mouse interactions without moves',
  'shadow-dom': 'shadow roots added by mutation',
  'ordering': 'text mutations whose order matters',
  'bad-textarea': 'a <textarea> with both a value attribute and a child text node',
  'document-replacement': 'the whole document replaced by a mutation (removed and re-added <html>)',
  'selection': 'text selection ranges',
  'style-sheet-rule-events': 'CSSOM insertRule / deleteRule (source 8)',
  'adopted-style-sheet': 'constructed style sheets adopted by document and shadow roots',
  'dialog-playback': '<dialog> open / showModal through attributes and snapshots',
  'iframe': 'same-origin iframes with their own documents, added and removed',
  'bad-style': 'a <style> whose _cssText and text child disagree; StyleDeclaration edits',
  'style-sheet-text-mutation': 'a <style> text child added / removed after CSSOM inserts (no index)',
  'nested-style-declaration': 'StyleDeclaration edits inside @media / @supports (index paths)',
  'style-declaration-missing-rule': 'StyleDeclaration edits naming rules that do not exist',
  'adopted-style-sheet-empty-replace': 'constructed sheets emptied by replace("") / replaceSync("")',
  'scroll-with-parent-styles': 'an element scroll that needs its parent\'s height to be possible',
  'canvas-in-iframe': 'a painted canvas inside an iframe document',
  'iframe-shadowdom-hover': ':hover moving between an iframe and a shadow root inside it',
  'custom-element-define-class': 'a custom element (isCustom) styled through :defined; no attributes key',
  'video-playback': 'media interactions (play / pause / seeked); one timestamp typo (19000602896) far past the rest',
};

const FIXED_NOW = 1700000000000; // Date.now() inside the fixtures: a fixed, plausible ms epoch

const ENUMS = {
  EventType: { DomContentLoaded: 0, Load: 1, FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5, Plugin: 6 },
  IncrementalSource: {
    Mutation: 0, MouseMove: 1, MouseInteraction: 2, Scroll: 3, ViewportResize: 4, Input: 5, TouchMove: 6,
    MediaInteraction: 7, StyleSheetRule: 8, CanvasMutation: 9, Font: 10, Log: 11, Drag: 12,
    StyleDeclaration: 13, Selection: 14, AdoptedStyleSheet: 15, CustomElement: 16,
  },
  MouseInteractions: {
    MouseUp: 0, MouseDown: 1, Click: 2, ContextMenu: 3, DblClick: 4, Focus: 5, Blur: 6,
    TouchStart: 7, TouchMove_Departed: 8, TouchEnd: 9, TouchCancel: 10,
  },
  NodeType: { Document: 0, DocumentType: 1, Element: 2, Text: 3, CDATA: 4, Comment: 5 },
  MediaInteractions: { Play: 0, Pause: 1, Seeked: 2, VolumeChange: 3, RateChange: 4 },
  CanvasContext: { '2D': 0, WebGL: 1, WebGL2: 2 },
};

function git(gitDir, ...args) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function reader(repo) {
  const dotGit = path.join(repo, '.git');
  const gitDir = fs.existsSync(dotGit) ? dotGit : repo; // a clone, or a bare git dir
  const commit = git(gitDir, 'rev-parse', 'HEAD').trim();
  return { commit, show: (p) => git(gitDir, 'show', `${commit}:${p}`) };
}

/* The fixture's event arrays: {default: [...]} and any other exported arrays by name. */
function evaluate(source, file) {
  let js = source
    .replace(/^import[^;]*;\s*$/gm, '')
    .replace(/:\s*eventWithTime\[\]/g, '')
    .replace(/^export default\s+/m, '__exports.default = ')
    .replace(/^export const (\w+)\s*=/gm, (_, name) => `const ${name} = __exports.${name} =`);
  const exportsObj = {};
  const sandbox = { ...ENUMS, __exports: exportsObj, Date: { now: () => FIXED_NOW } };
  vm.runInNewContext(js, sandbox, { filename: file, timeout: 5000 });
  const out = {};
  for (const [name, value] of Object.entries(exportsObj)) {
    if (Array.isArray(value)) out[name] = value;
  }
  if (!Object.keys(out).length) throw new Error(`${file}: no event array exported`);
  return out;
}

function main() {
  const [repo, outDir, ...names] = process.argv.slice(2);
  if (!repo || !outDir) {
    console.error('usage: node tests/tools/third_party_fixtures.cjs <rrweb clone or git dir> <out dir>');
    process.exit(2);
  }
  const src = reader(repo);
  const licence = src.show('LICENSE').split('\n')[0].trim();
  if (licence !== 'MIT License') throw new Error(`rrweb LICENSE is not MIT here: ${licence}`);
  const dest = path.join(outDir, 'rrweb');
  fs.mkdirSync(dest, { recursive: true });
  const sources = { repository: 'https://github.com/rrweb-io/rrweb', commit: src.commit, licence: 'MIT',
                    fixedNow: FIXED_NOW, files: {} };
  const chosen = names.length ? Object.fromEntries(names.map((n) => [n, FIXTURES[n] || ''])) : FIXTURES;
  for (const [name, why] of Object.entries(chosen)) {
    const rel = `packages/rrweb/test/events/${name}.ts`;
    const arrays = evaluate(src.show(rel), rel);
    for (const [exp, events] of Object.entries(arrays)) {
      const file = exp === 'default' ? `${name}.json` : `${name}--${exp}.json`;
      fs.writeFileSync(path.join(dest, file), JSON.stringify(events) + '\n');
      sources.files[file] = { path: rel, export: exp, events: events.length, why };
      console.log(`${file}: ${events.length} events`);
    }
  }
  fs.writeFileSync(path.join(dest, 'SOURCES.json'), JSON.stringify(sources, null, 2) + '\n');
}

main();
