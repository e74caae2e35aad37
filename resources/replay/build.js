/*
 * build.js — turn rrweb serialized nodes into live DOM inside the sandboxed content frame.
 *
 * Why this file exists: recorded pages are hostile. The content frame is sandboxed without
 * `allow-scripts`, so it cannot build itself; the trusted outer page creates every node with DOM
 * APIs (possible because the frame is `allow-same-origin`). Every element and attribute passes
 * through the sanitiser below, so no recorded script, event handler, `javascript:` URL, refresh,
 * <base>, srcdoc or network URL (unless the user allowed web assets) reaches the document.
 *
 * Exposes RD.Mirror (id <-> node map), RD.sanitize*, RD.buildNode, RD.newContentDocument and the
 * CSS hover/focus rewrite (RD.rewriteSheet) used by apply.js.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const XLINK_NS = 'http://www.w3.org/1999/xlink';
  const XML_NS = 'http://www.w3.org/XML/1998/namespace';
  const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

  // Lower-cased SVG tag names as serialized by rrweb -> the camel-cased names SVG needs.
  const SVG_TAGS = {};
  ('altGlyph altGlyphDef altGlyphItem animateColor animateMotion animateTransform clipPath ' +
    'feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting ' +
    'feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR ' +
    'feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight ' +
    'feSpecularLighting feSpotLight feTile feTurbulence foreignObject glyphRef linearGradient ' +
    'radialGradient textPath')
    .split(' ')
    .forEach((t) => (SVG_TAGS[t.toLowerCase()] = t));

  // Elements that could execute, embed or navigate: rebuilt as inert placeholders that keep the
  // id (so later mutations still resolve) but can never load or run anything.
  const INERT_TAGS = {
    script: 'rd-script', // hidden
    base: 'rd-base', // hidden: a recorded <base> must never rebase our URLs
    object: 'rd-embed', // neutral box
    embed: 'rd-embed',
    applet: 'rd-embed',
    frame: 'rd-embed',
    frameset: 'rd-frameset',
    portal: 'rd-embed',
    fencedframe: 'rd-embed',
  };
  const HIDDEN_INERT = { 'rd-script': 1, 'rd-base': 1 };
  const SVG_ANIMATIONS = { animate: 1, set: 1, animateMotion: 1, animateTransform: 1, animateColor: 1 };

  // Attributes that carry a URL (where a `javascript:` scheme or a network fetch can hide).
  const URL_ATTRS = {
    href: 1, src: 1, action: 1, formaction: 1, 'xlink:href': 1, data: 1, poster: 1,
    background: 1, cite: 1, longdesc: 1, manifest: 1, codebase: 1, archive: 1, dynsrc: 1,
    lowsrc: 1, usemap: 0, profile: 1, icon: 1, classid: 1, itemtype: 0,
  };
  // Dropped outright: they can only navigate, fetch, focus or script.
  const DROP_ATTRS = { ping: 1, srcdoc: 1, autofocus: 1, allow: 1, nonce: 1, integrity: 1, referrerpolicy: 0 };

  const BLANK_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

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

  // ---------------------------------------------------------------- URL policy

  /** Normalise a URL for scheme checks the way browsers do (strip controls/whitespace). */
  function schemeOf(value) {
    const v = String(value).replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
    const m = /^([a-z][a-z0-9+.\-]*):/.exec(v);
    return m ? m[1] : '';
  }
  RD.schemeOf = schemeOf;

  /** True when a URL may be fetched by the content document under the current settings. */
  function urlAllowed(value) {
    const s = schemeOf(value);
    if (s === 'data' || s === 'blob') return true;
    if (s === 'http' || s === 'https') return !!RD.config.allowWebAssets;
    if (s === '') {
      // relative or fragment-only: harmless inside about:blank (resolves against it), but a
      // bare relative path could still resolve against a recorded <base>; we never keep <base>.
      return String(value).trim().startsWith('#') || String(value).trim() === '';
    }
    return false;
  }
  RD.urlAllowed = urlAllowed;

  /** srcset-style lists: allowed only if every candidate URL is allowed. */
  function srcsetAllowed(value) {
    return String(value)
      .split(',')
      .map((c) => c.trim().split(/\s+/)[0])
      .filter(Boolean)
      .every(urlAllowed);
  }

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
    /** Forget a node and its whole subtree (light DOM, shadow DOM, iframe documents). */
    forget(node) {
      const stack = [node];
      while (stack.length) {
        const n = stack.pop();
        const id = this.ids.get(n);
        if (id !== undefined && this.nodes.get(id) === n) this.nodes.delete(id);
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

  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  }

  /**
   * Reset `doc` (an about:blank document of one of our sandboxed frames) so it renders in the
   * recorded mode (standards / quirks) and carries our CSP before any recorded node exists.
   * document.open()+write() is the only way to choose the mode; the written markup is ours.
   */
  function resetDocument(doc, sn) {
    let doctype = '';
    const dt = (sn.childNodes || []).find((c) => c.type === 1);
    if (dt) {
      doctype = '<!DOCTYPE ' + String(dt.name || 'html').replace(/[^A-Za-z0-9:_-]/g, '');
      if (dt.publicId) doctype += ' PUBLIC "' + esc(dt.publicId).replace(/"/g, '') + '"';
      if (dt.systemId) doctype += (dt.publicId ? ' "' : ' SYSTEM "') + esc(dt.systemId).replace(/"/g, '') + '"';
      doctype += '>';
    } else if (sn.compatMode !== 'BackCompat') {
      doctype = '<!DOCTYPE html>';
    }
    doc.open();
    doc.write(
      doctype +
        '<html><head><meta http-equiv="Content-Security-Policy" content="' +
        esc(cspFor()) +
        '"></head><body></body></html>'
    );
    doc.close();
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

  /**
   * Set one recorded attribute on `el`, sanitised. Returns nothing; unsafe attributes are kept
   * under a `data-rd-*` name so their presence is inspectable but inert.
   */
  function setAttr(el, name, value) {
    if (value === null || value === undefined) {
      removeAttr(el, name);
      return;
    }
    if (value === false) {
      removeAttr(el, name);
      return;
    }
    if (value === true) value = '';
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string') return;
    const lname = String(name).toLowerCase();
    if (!/^[^\s"'>\/=\u0000-\u001f]+$/.test(lname)) return; // not a valid attribute name
    const tag = el.localName;

    if (lname.startsWith('rr_') || lname === '_csstext') return; // handled by callers
    if (lname.startsWith('on')) return safeSet(el, 'data-rd-' + lname, value);
    if (DROP_ATTRS[lname]) return safeSet(el, 'data-rd-' + lname, value);
    if (tag === 'meta' && lname === 'http-equiv') return safeSet(el, 'data-rd-http-equiv', value);
    if (lname === 'xml:base') return safeSet(el, 'data-rd-xml-base', value);
    if (tag === 'meta' && lname === 'content' && /(javascript|vbscript)\s*:/i.test(value))
      return safeSet(el, 'data-rd-content', value); // inert anyway (http-equiv is never kept)
    // SMIL animations could swap an href to a javascript: URL after load
    if (SVG_ANIMATIONS[el.localName] && /^(to|from|by|values)$/.test(lname) && /(javascript|vbscript)\s*:/i.test(value))
      return safeSet(el, 'data-rd-' + lname, value);
    if (tag === 'iframe' && (lname === 'src' || lname === 'sandbox')) {
      if (lname === 'src') safeSet(el, 'data-rd-blocked-src', value);
      return;
    }
    if (tag === 'link' && (lname === 'href' || lname === 'rel' || lname === 'imagesrcset')) {
      el.setAttribute('data-rd-link-' + lname, value);
      refreshLink(el);
      return;
    }
    if (lname === 'srcset' || lname === 'imagesrcset') {
      if (!srcsetAllowed(value) || el.hasAttribute('data-rd-inlined')) return safeSet(el, 'data-rd-blocked-' + lname, value);
      return safeSet(el, lname, value);
    }
    if (lname === 'style') {
      return safeSet(el, 'style', RD.cleanCssText(value));
    }
    if (URL_ATTRS[lname] || lname === 'xlink:href' || (lname === 'value' && tag === 'param')) {
      const s = schemeOf(value);
      if (s === 'javascript' || s === 'vbscript' || s === 'livescript') {
        if (lname === 'href' && (tag === 'a' || tag === 'area')) return safeSet(el, 'href', '#');
        return safeSet(el, 'data-rd-blocked-' + lname.replace(':', '-'), value);
      }
      if (lname === 'href' && (tag === 'a' || tag === 'area')) {
        // Links never fetch anything; keep the value so a[href] / :link styling matches.
        return safeSet(el, 'href', value);
      }
      if (lname === 'href' && el.namespaceURI === SVG_NS && tag === 'use' && !String(value).trim().startsWith('#')) {
        return safeSet(el, 'data-rd-blocked-href', value);
      }
      if ((lname === 'action' || lname === 'formaction' || lname === 'manifest' || lname === 'codebase' ||
          lname === 'archive' || lname === 'classid' || lname === 'cite' || lname === 'longdesc' || lname === 'profile')) {
        return safeSet(el, 'data-rd-' + lname, value);
      }
      if (lname === 'src' && tag === 'img' && el.hasAttribute('data-rd-inlined')) {
        return safeSet(el, 'data-rd-original-src', value);
      }
      if (!urlAllowed(value)) {
        el.setAttribute('data-rd-blocked', '');
        // a blocked <img> keeps its box (width/height attributes, CSS) as a light grey
        // placeholder instead of collapsing to alt text or a broken-image icon
        if (lname === 'src' && tag === 'img') el.setAttribute('src', BLANK_GIF);
        return safeSet(el, 'data-rd-blocked-' + lname.replace(':', '-'), value);
      }
      if (lname === 'xlink:href') {
        try {
          el.setAttributeNS(XLINK_NS, 'xlink:href', value);
        } catch (e) {}
        return;
      }
      return safeSet(el, lname, value);
    }
    if (lname === 'xmlns' || lname.startsWith('xmlns:') || lname.startsWith('xml:')) {
      if (lname.startsWith('xml:')) {
        try {
          el.setAttributeNS(XML_NS, lname, value);
        } catch (e) {}
      }
      return; // namespace declarations are implied by how we create the element
    }
    safeSet(el, lname === name ? name : isSvg(el) ? name : lname, value);
  }
  RD.setAttr = setAttr;

  function isSvg(el) {
    return el.namespaceURI === SVG_NS;
  }

  function safeSet(el, name, value) {
    try {
      el.setAttribute(name, value);
    } catch (e) {
      /* invalid name in this namespace: drop */
    }
  }

  function removeAttr(el, name) {
    const lname = String(name).toLowerCase();
    if (el.localName === 'iframe' && (lname === 'sandbox' || lname === 'src' || lname === 'srcdoc')) return; // ours
    try {
      if (lname.startsWith('on')) el.removeAttribute('data-rd-' + lname);
      else if (el.localName === 'link' && (lname === 'href' || lname === 'rel')) {
        el.removeAttribute('data-rd-link-' + lname);
        refreshLink(el);
      } else {
        el.removeAttribute(isSvg(el) ? name : lname);
        el.removeAttribute('data-rd-blocked-' + lname.replace(':', '-'));
      }
    } catch (e) {}
  }
  RD.removeAttr = removeAttr;

  /**
   * <link> only ever becomes live as a stylesheet from an allowed URL. Preload, prefetch,
   * modulepreload, icons, manifests… never get a real href.
   */
  function refreshLink(el) {
    const rel = (el.getAttribute('data-rd-link-rel') || '').toLowerCase().split(/\s+/);
    const href = el.getAttribute('data-rd-link-href');
    const isSheet = rel.indexOf('stylesheet') >= 0 && rel.indexOf('alternate') < 0;
    if (isSheet && href && urlAllowed(href) && schemeOf(href) !== '') {
      el.setAttribute('rel', 'stylesheet');
      el.setAttribute('href', href);
    } else {
      el.removeAttribute('href');
      el.removeAttribute('rel');
    }
  }

  // ---------------------------------------------------------------- nodes

  /** Create an element for serialized element `sn` in `doc` (no children). */
  function createElement(doc, sn, inSvg) {
    let tag = String(sn.tagName || 'div').toLowerCase();
    if (!/^[a-z][a-z0-9._\-]*(:[a-z0-9._\-]+)?$/.test(tag)) tag = 'div';
    const attrs = sn.attributes || {};
    if (tag === 'link' && typeof attrs._cssText === 'string') tag = 'style';
    if (INERT_TAGS[tag]) tag = INERT_TAGS[tag];
    let el;
    if (sn.isSVG || inSvg || tag === 'svg') {
      if (tag === 'rd-script' || tag === 'rd-embed' || tag === 'rd-base') el = doc.createElement(tag);
      else el = doc.createElementNS(SVG_NS, SVG_TAGS[tag] || tag);
    } else {
      if (sn.isCustom) defineCustom(doc, tag);
      try {
        el = doc.createElement(tag);
      } catch (e) {
        el = doc.createElement('div');
      }
    }
    if (HIDDEN_INERT[tag]) el.setAttribute('data-rd-hidden', '');
    return el;
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
    if (tag === 'img' && typeof attrs.rr_dataURL === 'string' && schemeOf(attrs.rr_dataURL) === 'data') {
      el.setAttribute('data-rd-inlined', '');
    }
    for (const name of Object.keys(attrs)) {
      const v = attrs[name];
      if (name === 'selected' && v === false && tag === 'option') continue; // PR #651
      if (name === '_cssText' || name.startsWith('rr_')) continue;
      if (tag === 'textarea' && name === 'value') continue;
      setAttr(el, name, v);
    }
    applySpecialAttributes(el, sn, attrs, ctx);
  }

  /** rr_* and _cssText attributes: applied after ordinary ones (they override them). */
  function applySpecialAttributes(el, sn, attrs, ctx) {
    const tag = el.localName;
    if (typeof attrs._cssText === 'string' && tag === 'style') {
      el.setAttribute('data-rd-csstext', '');
      ctx.styleText.set(el, attrs._cssText);
    }
    if (tag === 'textarea' && typeof attrs.value === 'string') {
      el.textContent = attrs.value;
      ctx.after.push(() => {
        el.value = attrs.value;
      });
    }
    if (attrs.rr_dataURL && typeof attrs.rr_dataURL === 'string') {
      if (tag === 'img') {
        if (schemeOf(attrs.rr_dataURL) === 'data') {
          el.removeAttribute('data-rd-blocked');
          el.setAttribute('src', attrs.rr_dataURL);
          if (el.hasAttribute('srcset')) {
            el.setAttribute('data-rd-original-srcset', el.getAttribute('srcset'));
            el.removeAttribute('srcset');
          }
        }
      } else if (tag === 'canvas') {
        ctx.after.push(() => RD.drawCanvasImage(el, attrs.rr_dataURL, true));
      }
    }
    if (attrs.rr_width) el.style.setProperty('width', String(attrs.rr_width));
    if (attrs.rr_height) el.style.setProperty('height', String(attrs.rr_height));
    if (attrs.rr_scrollLeft || attrs.rr_scrollTop) {
      const id = sn.id;
      ctx.after.push(() => RD.state.scrolls.set(id, { x: +attrs.rr_scrollLeft || 0, y: +attrs.rr_scrollTop || 0 }));
    }
    if (tag === 'dialog' && attrs.rr_open_mode) {
      el.setAttribute('data-rd-open-mode', String(attrs.rr_open_mode));
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
      el.setAttribute('sandbox', 'allow-same-origin');
      if (attrs.rr_src) el.setAttribute('data-rd-blocked-src', String(attrs.rr_src));
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
      }
    } catch (e) {}
  };

  /** Create node `sn` (no children) in `doc`. `parentIsSvg` propagates the SVG namespace. */
  function createNode(doc, sn, ctx, parentIsSvg) {
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
        return doc.createTextNode(sn.textContent == null ? '' : String(sn.textContent));
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
    const node = createNode(doc, sn, ctx, parentIsSvg);
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
        else RD.markStyleDirty(node); // plain text children (old recordings): still rewrite hover
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
      st.setAttribute('data-rd-injected', '');
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
    const parts = String(cssText).split('/* rr_split */');
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
