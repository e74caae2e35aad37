/*
 * build.js — turn rrweb serialized nodes into live DOM inside the sandboxed content frame.
 *
 * Trust boundary: runs in the trusted outer page; every serialized node it reads is untrusted.
 * Elements are created, and every attribute and style text is written, only through
 * RD.sanitize (sanitize.js); this file never sets an attribute or a style itself.
 *
 * Why this file exists: recorded pages are hostile. The content frame is sandboxed without
 * `allow-scripts`, so it cannot build itself; the trusted outer page creates every node with DOM
 * APIs (possible because the frame is `allow-same-origin`).
 *
 * Exposes, for apply.js and the other renderer files: RD.Mirror (id <-> node map), the tree
 * builders RD.buildDocument / RD.buildFrameDocument / RD.buildTree / RD.createNode with their
 * context (RD.newContext, RD.finishContext), RD.setAttr / RD.removeAttr / RD.applySpecialAttributes
 * (thin wrappers over RD.sanitize), RD.resetDocument, RD.cspFor, RD.ensureShadow,
 * RD.distributeCssText, RD.syncDialog, RD.isTextField, and the shared helpers RD.config,
 * RD.pending / RD.track, RD.warn, RD.schemeOf, RD.urlAllowed. (The CSS hover/focus rewrite,
 * RD.rewriteSheet, lives in css.js.)
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  const S = RD.sanitize;
  const SVG_NS = S.SVG_NS;
  const BLANK_GIF = S.BLANK_GIF;

  RD.config = RD.config || { allowWebAssets: false, showCursor: true, headless: false };

  /** Promises (image decodes, canvas work) a painted frame must wait for. */
  RD.pending = new Set();
  RD.track = function (p) {
    RD.pending.add(p);
    p.finally(() => RD.pending.delete(p));
    return p;
  };
  RD.warn = function (msg, e) {
    console.warn('replay: ' + msg + (e && e.message ? ': ' + e.message : ''));
  };

  // URL policy lives in sanitize.js; these names stay for the other renderer files.
  RD.schemeOf = S.schemeOf;
  /** True when an image URL may be fetched by the content document under the current settings. */
  RD.urlAllowed = (value) => S.urlAllowed(value, 'image');

  // ---------------------------------------------------------------- mirror

  /** Map rrweb ids <-> nodes for every document of the replay (top, iframes, shadow roots). */
  class Mirror {
    constructor() {
      this.nodes = new Map();
      this.ids = new WeakMap();
      this.meta = new WeakMap(); // node -> serialized info we need later (tag, isShadowHost…)
    }
    get(id) {
      return this.nodes.get(id) || null;
    }
    idOf(node) {
      const id = node ? this.ids.get(node) : undefined;
      return id === undefined ? -1 : id;
    }
    set(id, node, sn) {
      if (typeof id !== 'number') return;
      this.nodes.set(id, node);
      this.ids.set(node, id);
      if (sn) this.meta.set(node, sn);
    }
    has(id) {
      return this.nodes.has(id);
    }
    /** Forget a node and its whole subtree (light DOM, shadow DOM, iframe documents); the ids
     * forgotten are pushed to `gone` when given. */
    forget(node, gone) {
      const stack = [node];
      while (stack.length) {
        const n = stack.pop();
        const id = this.ids.get(n);
        if (id !== undefined && this.nodes.get(id) === n) {
          this.nodes.delete(id);
          if (gone) gone.push(id);
        }
        if (n.shadowRoot) stack.push(n.shadowRoot);
        if (n.nodeName === 'IFRAME') {
          try {
            if (n.contentDocument) stack.push(n.contentDocument);
          } catch (e) {
            /* cross-origin: nothing of ours in there */
          }
        }
        for (let c = n.firstChild; c; c = c.nextSibling) stack.push(c);
      }
    }
    reset() {
      this.nodes.clear();
      this.ids = new WeakMap();
      this.meta = new WeakMap();
    }
  }
  RD.Mirror = Mirror;

  // ---------------------------------------------------------------- content documents

  function cspFor() {
    const net = RD.config.allowWebAssets ? ' http: https:' : '';
    return [
      "default-src 'none'",
      "script-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-src 'none'",
      "child-src 'none'",
      "worker-src 'none'",
      "connect-src 'none'",
      "manifest-src 'none'",
      "style-src 'unsafe-inline' data: blob:" + net,
      'img-src data: blob:' + net,
      'font-src data: blob:' + net,
      'media-src data: blob:' + net,
    ].join('; ');
  }
  RD.cspFor = cspFor;

  /**
   * Reset `doc` (an about:blank document of one of our sandboxed frames) so it renders in the
   * recorded mode (standards / quirks) and carries our CSP before any recorded node exists.
   */
  function resetDocument(doc, sn) {
    const dt = (sn.childNodes || []).find((c) => c.type === 1);
    S.writeShell(doc, dt, sn.compatMode === 'BackCompat', cspFor());
    while (doc.firstChild) doc.removeChild(doc.firstChild);
  }
  RD.resetDocument = resetDocument;

  // ---------------------------------------------------------------- attributes

  function isTextField(el) {
    const tag = el.localName;
    if (tag === 'textarea') return true;
    if (tag !== 'input') return false;
    const t = (el.getAttribute('type') || 'text').toLowerCase();
    return !/^(checkbox|radio|button|submit|reset|image|file|color|range|hidden)$/.test(t);
  }
  RD.isTextField = isTextField;

  /** Set / remove one recorded attribute on `el` (sanitised: see sanitize.js). */
  const setAttr = S.setAttribute;
  RD.setAttr = setAttr;
  RD.removeAttr = S.removeAttribute;

  // ---------------------------------------------------------------- nodes

  /** Create an element for serialized element `sn` in `doc` (no children). */
  function createElement(doc, sn, inSvg) {
    let tag = String(sn.tagName || 'div').toLowerCase();
    const attrs = sn.attributes || {};
    if (tag === 'link' && typeof attrs._cssText === 'string') tag = 'style';
    const svg = !!(sn.isSVG || inSvg || S.localName(tag) === 'svg');
    if (!svg && sn.isCustom) defineCustom(doc, tag);
    return S.createElement(doc, tag, svg);
  }

  function defineCustom(doc, tag) {
    const win = doc.defaultView;
    if (!win || !win.customElements || tag.indexOf('-') < 0) return;
    try {
      if (!win.customElements.get(tag)) {
        const Base = win.HTMLElement;
        win.customElements.define(tag, class extends Base {});
      }
    } catch (e) {
      /* invalid name or already defined */
    }
  }

  /** Apply the attributes of `sn` to the freshly created element `el`. */
  function applyAttributes(el, sn, ctx) {
    const attrs = sn.attributes || {};
    const tag = String(sn.tagName || '').toLowerCase();
    if (tag === 'img' && typeof attrs.rr_dataURL === 'string' && S.schemeOf(attrs.rr_dataURL) === 'data') {
      S.mark(el, 'data-rd-inlined', '');
    }
    for (const name of Object.keys(attrs)) {
      const v = attrs[name];
      if (name === 'selected' && v === false && tag === 'option') continue; // PR #651
      if (name === '_cssText' || name.startsWith('rr_')) continue;
      if (tag === 'textarea' && name === 'value') continue;
      setAttr(el, name, v);
    }
    // a privacy mode masks by input type, which may come after the value in the recording
    if (tag === 'input' && typeof attrs.value === 'string' && S.privacyMode() !== 'as-recorded') setAttr(el, 'value', attrs.value);
    applySpecialAttributes(el, sn, attrs, ctx);
  }

  /** rr_* and _cssText attributes: applied after ordinary ones (they override them). */
  function applySpecialAttributes(el, sn, attrs, ctx) {
    const tag = el.localName;
    if (typeof attrs._cssText === 'string' && tag === 'style') {
      S.mark(el, 'data-rd-csstext', '');
      ctx.styleText.set(el, attrs._cssText);
    }
    if (tag === 'textarea' && typeof attrs.value === 'string') {
      const value = S.inputValue(el, attrs.value);
      el.textContent = value;
      ctx.after.push(() => {
        el.value = value;
      });
    }
    if (attrs.rr_dataURL && typeof attrs.rr_dataURL === 'string') {
      if (tag === 'img') {
        S.setImageData(el, attrs.rr_dataURL);
      } else if (tag === 'canvas') {
        ctx.after.push(() => RD.drawCanvasImage(el, attrs.rr_dataURL, true));
      }
    }
    if (attrs.rr_width) S.setStyle(el, 'width', String(attrs.rr_width));
    if (attrs.rr_height) S.setStyle(el, 'height', String(attrs.rr_height));
    if (attrs.rr_scrollLeft || attrs.rr_scrollTop) {
      const id = sn.id;
      ctx.after.push(() => RD.state.scrolls.set(id, { x: +attrs.rr_scrollLeft || 0, y: +attrs.rr_scrollTop || 0 }));
    }
    if (tag === 'dialog' && attrs.rr_open_mode) {
      S.mark(el, 'data-rd-open-mode', String(attrs.rr_open_mode));
      ctx.after.push(() => RD.syncDialog(el));
    }
    if ((tag === 'video' || tag === 'audio') && attrs.rr_mediaCurrentTime !== undefined) {
      ctx.after.push(() => {
        try {
          el.currentTime = +attrs.rr_mediaCurrentTime || 0;
        } catch (e) {}
      });
    }
    if (tag === 'canvas') ctx.after.push(() => RD.fixCanvasBox(el));
    if (tag === 'iframe') {
      S.mark(el, 'sandbox', 'allow-same-origin');
      if (attrs.rr_src) S.mark(el, 'data-rd-blocked-src', String(attrs.rr_src));
    }
  }
  RD.applySpecialAttributes = applySpecialAttributes;

  /** Show a recorded <dialog> the way the live page did (modal => top layer + backdrop). */
  RD.syncDialog = function (el) {
    try {
      const open = el.hasAttribute('open');
      const mode = el.getAttribute('data-rd-open-mode');
      if (!el.isConnected) return;
      if (open && mode === 'modal' && !el.matches(':modal')) {
        el.removeAttribute('open');
        el.showModal();
        const doc = el.ownerDocument;
        if (doc.activeElement && doc.activeElement !== doc.body) doc.activeElement.blur();
      } else if (!open && el.matches(':modal')) {
        el.close();
      } else if (open && mode !== 'modal' && el.matches(':modal')) {
        el.close(); // switched from showModal() to show(): out of the top layer, still open
        el.show();
      }
    } catch (e) {}
  };

  /** Create node `sn` (no children) in `doc`. `parentIsSvg` propagates the SVG namespace;
   * `parent` (where it will go) decides whether a privacy mode masks a text node. */
  function createNode(doc, sn, ctx, parentIsSvg, parent) {
    switch (sn.type) {
      case 1:
        try {
          return doc.implementation.createDocumentType(sn.name || 'html', sn.publicId || '', sn.systemId || '');
        } catch (e) {
          return null;
        }
      case 2: {
        const el = createElement(doc, sn, parentIsSvg && String(sn.tagName).toLowerCase() !== 'foreignobject');
        applyAttributes(el, sn, ctx);
        return el;
      }
      case 3:
        return doc.createTextNode(S.text(sn.textContent, parent));
      case 4:
        return doc.createTextNode('');
      case 5:
        return doc.createComment(sn.textContent == null ? '' : String(sn.textContent));
      default:
        return null;
    }
  }
  RD.createNode = createNode;

  function newContext() {
    return { after: [], styleText: new Map(), frames: [] };
  }
  RD.newContext = newContext;

  /**
   * Build `sn` and its subtree in `doc`, register ids, and append to `parent` (or not, if null).
   * Returns the created node. Iframe documents inside (`isAttachIframe` snapshots) are built via
   * RD.buildFrameDocument once the iframe element is connected.
   */
  function buildTree(doc, sn, parent, ctx, mirror, parentIsSvg) {
    if (sn.type === 0) return null; // documents are handled by buildDocument
    const node = createNode(doc, sn, ctx, parentIsSvg, parent);
    if (!node) return null;
    mirror.set(sn.id, node, metaOf(sn));
    if (sn.type === 2) {
      const isSvgEl = node.namespaceURI === SVG_NS && node.localName !== 'foreignObject';
      if (sn.isShadowHost) ensureShadow(node);
      const kids = sn.childNodes || [];
      for (const c of kids) {
        if (c.type === 0) {
          ctx.frames.push({ iframe: node, sn: c });
          continue;
        }
        let target = node;
        if (c.isShadow && node.shadowRoot) target = node.shadowRoot;
        else if (c.isShadow) target = ensureShadow(node) || node;
        if (node.localName === 'template' && node.content) target = node.content;
        buildTree(doc, c, target, ctx, mirror, isSvgEl);
      }
      if (node.localName === 'style') {
        if (ctx.styleText.has(node)) distributeCssText(node, ctx.styleText.get(node));
        else {
          // plain text children (old recordings): sanitised, and still rewrite hover
          for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 3) c.textContent = S.css(c.textContent);
          RD.markStyleDirty(node);
        }
      }
      if (node.localName === 'iframe') ctx.frames.push({ iframe: node, sn: null });
    }
    if (parent) parent.appendChild(node);
    return node;
  }
  RD.buildTree = buildTree;

  function metaOf(sn) {
    return { type: sn.type, tag: sn.tagName ? String(sn.tagName).toLowerCase() : '', rootId: sn.rootId };
  }

  function ensureShadow(el) {
    if (el.shadowRoot) return el.shadowRoot;
    try {
      const root = el.attachShadow({ mode: 'open' });
      // document styles do not reach into shadow trees: give each root our helper sheet too
      const st = el.ownerDocument.createElement('style');
      S.mark(st, 'data-rd-injected', '');
      st.textContent = RD.INJECTED_CSS;
      root.appendChild(st);
      return root;
    } catch (e) {
      return null;
    }
  }
  RD.ensureShadow = ensureShadow;

  /** Put `_cssText` into a <style>'s text children (honouring rr_split markers). */
  function distributeCssText(styleEl, cssText) {
    const parts = String(cssText).split('/* rr_split */').map((p) => S.css(p));
    const texts = Array.from(styleEl.childNodes).filter((n) => n.nodeType === 3);
    if (texts.length === 0) {
      styleEl.appendChild(styleEl.ownerDocument.createTextNode(parts.join('')));
    } else if (texts.length === parts.length) {
      texts.forEach((t, i) => (t.textContent = parts[i]));
    } else {
      texts[0].textContent = parts.join('');
      for (let i = 1; i < texts.length; i++) texts[i].textContent = '';
    }
    RD.markStyleDirty(styleEl);
  }
  RD.distributeCssText = distributeCssText;

  /**
   * Build a serialized Document `sn` into `doc` (which belongs to one of our sandboxed frames):
   * reset it with our CSP, then create every recorded node with DOM APIs.
   */
  function buildDocument(doc, sn, mirror, ctx) {
    resetDocument(doc, sn);
    mirror.set(sn.id, doc, { type: 0, tag: '', rootId: sn.rootId });
    const kids = sn.childNodes || [];
    // <body> is appended after <head> is fully populated: buildTree builds a subtree detached
    // and appends it in one go, so the whole <html> arrives complete.
    for (const c of kids) {
      if (c.type === 1) {
        const dt = createNode(doc, c, ctx, false);
        if (dt) {
          mirror.set(c.id, dt, metaOf(c));
          try {
            doc.appendChild(dt);
          } catch (e) {}
        }
        continue;
      }
      if (c.type === 2 && doc.documentElement) continue; // a second root element is invalid
      buildTree(doc, c, doc, ctx, mirror, false);
    }
    RD.injectStyle(doc);
    return doc;
  }
  RD.buildDocument = buildDocument;

  /** Build a nested (same-origin, recorded) iframe's document into our sandboxed iframe element. */
  function buildFrameDocument(iframe, sn, mirror) {
    const ctx = newContext();
    let doc;
    try {
      doc = iframe.contentDocument;
    } catch (e) {
      doc = null;
    }
    if (!doc) return false;
    const old = mirror.get(sn.id);
    if (old && old !== doc) mirror.forget(old);
    buildDocument(doc, sn, mirror, ctx);
    finishContext(ctx, mirror);
    return true;
  }
  RD.buildFrameDocument = buildFrameDocument;

  /** Run the deferred work of a build (frames, style texts, rr_* after-effects). */
  function finishContext(ctx, mirror) {
    S.activateUses(); // before anything below can force a style update that expands <use>
    for (const f of ctx.frames) {
      if (f.sn) {
        if (f.iframe.isConnected) buildFrameDocument(f.iframe, f.sn, mirror);
        else RD.parkFrameDocument(mirror.idOf(f.iframe), f.sn);
      } else if (f.iframe.isConnected) {
        RD.attachParkedFrame(f.iframe);
      }
    }
    for (const fn of ctx.after) {
      try {
        fn();
      } catch (e) {
        console.warn('replay: after-build step failed', e && e.message);
      }
    }
    RD.flushDirtyStyles();
  }
  RD.finishContext = finishContext;

  RD.BLANK_GIF = BLANK_GIF;
})(window);
