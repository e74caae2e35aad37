/*
 * css.js — everything the replay does to CSS: the hover/focus selector rewrite, the device media
 * query rewrite, our helper stylesheet, constructed (adopted) stylesheets and CSSOM rule events.
 *
 * Trust boundary: runs in the trusted outer page; recorded rule text and declarations are
 * untrusted and pass through RD.sanitize.css / RD.sanitize.setStyle before any sheet sees them.
 *
 * Why CSSOM instead of text rewriting: the browser already parsed the recorded CSS; editing
 * `selectorText` / `media.mediaText` of parsed rules in place is tolerant of anything the browser
 * accepted (rrweb's postcss path throws on malformed CSS, rrweb#1734) and keeps rule indexes
 * intact for later StyleSheetRule / StyleDeclaration events.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});
  const warn = (m, e) => RD.warn(m, e);
  const S = RD.sanitize;

  // ---------------------------------------------------------------- CSS rewrite

  // Interaction pseudo-classes the replay simulates with classes: the copy of each selector with
  // `.\:hover` etc. matches when the cursor/focus emulation sets the class (the frame never gets
  // real pointer or keyboard focus).
  const PSEUDO_RE = /(?<!\\):(hover|focus-visible|focus-within|focus)(?![\w-])/g;

  function splitSelectors(text) {
    const out = [];
    let depth = 0, quote = '', start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quote) {
        if (ch === '\\') i++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '\\') i++;
      else if (ch === '(' || ch === '[') depth++;
      else if (ch === ')' || ch === ']') depth--;
      else if (ch === ',' && depth === 0) {
        out.push(text.slice(start, i).trim());
        start = i + 1;
      }
    }
    out.push(text.slice(start).trim());
    return out.filter(Boolean);
  }

  function rewriteSelector(sel) {
    if (sel.indexOf(':hover') < 0 && sel.indexOf(':focus') < 0) return null;
    const parts = splitSelectors(sel);
    let changed = false;
    const out = [];
    for (const p of parts) {
      out.push(p);
      PSEUDO_RE.lastIndex = 0;
      if (PSEUDO_RE.test(p)) {
        PSEUDO_RE.lastIndex = 0;
        const copy = p.replace(PSEUDO_RE, '.\\:$1');
        if (parts.indexOf(copy) < 0) {
          out.push(copy);
          changed = true;
        }
      }
    }
    return changed ? out.join(', ') : null;
  }
  RD.rewriteSelector = rewriteSelector;

  const DEVICE_MQ = /(min|max)-device-(width|height)/g;

  /** Rewrite rules in place (selectors and media), recursively. Never throws. */
  function rewriteRules(rules) {
    if (!rules) return;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      try {
        if (r.selectorText !== undefined && r.type === 1) {
          const nsel = rewriteSelector(r.selectorText);
          if (nsel) r.selectorText = nsel;
        }
        if (r.media && r.type === 4 && DEVICE_MQ.test(r.media.mediaText)) {
          DEVICE_MQ.lastIndex = 0;
          r.media.mediaText = r.media.mediaText.replace(DEVICE_MQ, '$1-$2');
        }
        DEVICE_MQ.lastIndex = 0;
        if (r.cssRules && r.cssRules.length) rewriteRules(r.cssRules);
      } catch (e) {
        /* malformed or read-only rule: leave it as the browser parsed it */
      }
    }
  }

  function rewriteSheet(sheet) {
    if (!sheet) return;
    let rules;
    try {
      rules = sheet.cssRules;
    } catch (e) {
      return; // cross-origin sheet (web assets enabled): not readable, nothing to rewrite
    }
    rewriteRules(rules);
  }
  RD.rewriteSheet = rewriteSheet;
  RD.rewriteRules = rewriteRules;

  /** Recorded CSS text with every fetch outside the URL policy removed (see sanitize.js). */
  RD.cleanCssText = S.css;

  const INJECTED_CSS = (RD.INJECTED_CSS = [
    'noscript, rd-script, rd-base, [data-rd-hidden] { display: none !important; }',
    '*, *::before, *::after { scrollbar-width: none !important; }',
    // a <details> that opens with a transition on ::details-content (interpolate-size) would
    // grow in real time after a seek: Chromium 140 does not list that pseudo-element's
    // transitions in getAnimations(), so settleAnimations cannot finish them, and the frame
    // (and the scroll restored on it) showed the content still collapsed
    'details::details-content { transition: none !important; }',
    // the recorded scroll events already carry the live page's scroll anchoring; anchoring in
    // the replay would move a restored scroll again whenever layout settles after the restore
    '* { overflow-anchor: none !important; }',
    '::selection { background-color: #3166d0; color: #ffffff; }',
    '.rr-block { background: currentColor; }',
    '[data-rd-blocked] { background-color: #e9ecef !important; }',
    'rd-embed { display: inline-block; background-color: #e9ecef; }',
    'img[data-rd-blocked]:not([width]):not([height]) { min-width: 16px; min-height: 16px; }',
    'iframe[data-rd-blocked-src] { background-color: #e9ecef; }',
    // form controls use the platform UI font (-webkit-small-control); Qt's Chromium resolves that
    // to a serif face, the recording browser to the sans default
    'input, select, button { font-family: "Liberation Sans", Arimo, Arial, sans-serif; }',
    // Chromium's own ring colour; Qt's build maps -webkit-focus-ring-color to its palette (orange)
    '.\\:focus-visible { outline: #101010 auto 1px; }',
    'input.\\:focus-visible, textarea.\\:focus-visible, select.\\:focus-visible { outline-offset: 0px; }',
  ].join('\n'));

  /** Put our unserialized helper stylesheet first in <head> (page CSS keeps precedence). */
  function injectStyle(doc) {
    if (!doc || !doc.documentElement) return;
    let st = doc.querySelector('style[data-rd-injected]');
    if (st && st.isConnected) return;
    st = doc.createElement('style');
    S.mark(st, 'data-rd-injected', '');
    st.textContent = INJECTED_CSS;
    const head = doc.head || doc.documentElement;
    head.insertBefore(st, head.firstChild);
  }
  RD.injectStyle = injectStyle;


  const dirtyStyles = new Set();
  const styleRules = new Map(); // styleId -> master CSSStyleSheet (outer realm) holding rules
  const styleInstances = new Map(); // styleId -> Map(document -> CSSStyleSheet)
  const adoptions = new Map(); // target id -> [styleId]

  // ------------------------------------------------------------------ styles

  RD.markStyleDirty = function (el) {
    if (el) dirtyStyles.add(el);
  };
  RD.flushDirtyStyles = function () {
    for (const el of dirtyStyles) {
      if (el.isConnected && el.sheet) RD.rewriteSheet(el.sheet);
    }
    dirtyStyles.clear();
  };

  // ------------------------------------------------------------------ constructed stylesheets

  function masterSheet(styleId) {
    let s = styleRules.get(styleId);
    if (!s) {
      s = new CSSStyleSheet();
      styleRules.set(styleId, s);
    }
    return s;
  };

  function sheetFor(styleId, doc) {
    let per = styleInstances.get(styleId);
    if (!per) styleInstances.set(styleId, (per = new Map()));
    let sheet = per.get(doc);
    if (!sheet) {
      const Ctor = doc.defaultView && doc.defaultView.CSSStyleSheet;
      if (!Ctor) return null;
      sheet = new Ctor();
      const master = masterSheet(styleId);
      try {
        sheet.replaceSync(S.css(Array.from(master.cssRules, (r) => r.cssText).join('\n')));
      } catch (e) {}
      RD.rewriteSheet(sheet);
      per.set(doc, sheet);
    }
    return sheet;
  }

  function defineStyles(styles) {
    for (const s of styles || []) {
      const master = new CSSStyleSheet();
      const rules = (s.rules || []).slice().sort((a, b) => (a.index || 0) - (b.index || 0));
      for (const r of rules) {
        try {
          master.insertRule(S.css(r.rule), Math.min(master.cssRules.length, typeof r.index === 'number' ? r.index : master.cssRules.length));
        } catch (e) {
          /* rule from another engine */
        }
      }
      styleRules.set(s.styleId, master);
      styleInstances.delete(s.styleId);
    }
  }

  function adopt(targetId, styleIds) {
    const node = RD.mirror.get(targetId);
    if (!node) return false;
    let root = null, doc = null;
    if (node.nodeType === 9) {
      root = node;
      doc = node;
    } else if (node.nodeType === 1) {
      root = node.shadowRoot || RD.ensureShadow(node);
      doc = node.ownerDocument;
    }
    if (!root) return false;
    const sheets = styleIds.map((sid) => sheetFor(sid, doc)).filter(Boolean);
    try {
      root.adoptedStyleSheets = sheets;
    } catch (e) {
      warn('adoptedStyleSheets failed', e);
    }
    return true;
  }

  RD.applyAdopted = function (d) {
    defineStyles(d.styles);
    if (d.id === -1 || d.id === undefined) return;
    adoptions.set(d.id, d.styleIds || []);
    adopt(d.id, d.styleIds || []);
  };

  /** Re-adopt sheets for hosts/documents that (re)appeared (posthog-js#4435, #4731). */
  function reAdoptWithin(sn) {
    if (!adoptions.size) return;
    for (const [id, ids] of adoptions) {
      const n = RD.mirror.get(id);
      if (!n) continue;
      const root = n.nodeType === 9 ? n : n.shadowRoot;
      if (!root || !root.adoptedStyleSheets || root.adoptedStyleSheets.length !== ids.length) adopt(id, ids);
    }
  }
  RD.reAdoptAll = reAdoptWithin;

  // ------------------------------------------------------------------ CSSOM rules

  function sheetOf(d) {
    if (d.styleId !== undefined && d.styleId !== null && d.id === undefined) return { multi: d.styleId };
    const el = RD.mirror.get(d.id);
    if (el && el.sheet) return { sheets: [el.sheet] };
    if (d.styleId !== undefined) return { multi: d.styleId };
    return null;
  }

  function sheetsFor(target) {
    if (!target) return [];
    if (target.sheets) return target.sheets;
    const out = [masterSheet(target.multi)];
    const per = styleInstances.get(target.multi);
    if (per) for (const s of per.values()) out.push(s);
    return out;
  }

  /** Resolve a rrweb index path: all but the last select nested grouping rules. */
  function ruleListAt(sheet, path) {
    let list = sheet;
    for (let i = 0; i < path.length - 1; i++) {
      const r = list.cssRules[path[i]];
      if (!r || !r.cssRules) return null;
      list = r;
    }
    return list;
  }

  function insertAt(sheet, rule, index) {
    // no index: rrweb calls insertRule(rule, undefined), and the CSSOM default index is 0
    // (as the mirror's seek path, replay/css.py StyleSheet.insert)
    const path = Array.isArray(index) ? index : [index === undefined || index === null ? 0 : index];
    const list = ruleListAt(sheet, path);
    if (!list) return;
    const pos = Math.max(0, Math.min(list.cssRules.length, path[path.length - 1]));
    try {
      list.insertRule(S.css(rule), pos);
      RD.rewriteRules([list.cssRules[pos]]);
    } catch (e) {
      /* vendor rule from another browser: skip */
    }
  }

  function deleteAt(sheet, index) {
    const path = Array.isArray(index) ? index : [index];
    const list = ruleListAt(sheet, path);
    if (!list) return;
    const pos = path[path.length - 1];
    try {
      if (pos >= 0 && pos < list.cssRules.length) list.deleteRule(pos);
    } catch (e) {}
  }

  RD.applyStyleSheetRule = function (d) {
    const sheets = sheetsFor(sheetOf(d));
    for (const sheet of sheets) {
      if (d.replaceSync !== undefined || d.replace !== undefined) {
        try {
          sheet.replaceSync(S.css(d.replaceSync !== undefined ? d.replaceSync : d.replace));
          RD.rewriteSheet(sheet);
        } catch (e) {}
      }
      for (const r of d.removes || []) deleteAt(sheet, r.index);
      for (const a of d.adds || []) insertAt(sheet, a.rule, a.index);
    }
  };

  RD.applyStyleDeclaration = function (d) {
    const sheets = sheetsFor(sheetOf(d));
    for (const sheet of sheets) {
      const path = d.index || [];
      let rule = null, list = sheet;
      for (const i of path) {
        rule = list.cssRules ? list.cssRules[i] : null;
        if (!rule) break;
        list = rule;
      }
      if (!rule || !rule.style) continue;
      try {
        if (d.set) S.setStyle(rule, d.set.property, d.set.value, d.set.priority || '');
        if (d.remove) rule.style.removeProperty(d.remove.property);
      } catch (e) {}
    }
  };


  RD.styles = {
    adoptions,
    adopt: (id) => adopt(id, adoptions.get(id) || []),
    /** A new page: adoptions and per-document sheets go; styleId definitions stay (ids persist). */
    resetPage() {
      dirtyStyles.clear();
      adoptions.clear();
      styleInstances.clear();
    },
  };
})(window);
