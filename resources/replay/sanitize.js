/*
 * sanitize.js — THE sanitiser: the only code that writes recorded values into the content frame
 * as attributes, inline styles or style sheet text, and the only place (besides the browser's
 * own text setters) that calls setAttribute / setAttributeNS / style.setProperty / document.write.
 *
 * Trust boundary: everything passed in as a "recorded" value (tag names, attribute names and
 * values, CSS text, CSS property values, URLs) comes from an untrusted recording. Everything this
 * file writes must be inert on its own: it is tested with the frame sandbox and both content
 * security policies switched off (tests/ui/test_replay_safety.py), so no layer relies on another.
 *
 * Policy, in short:
 *  - Tags are judged by their local name (any "prefix:" stripped, case-folded): script, base,
 *    object, embed, applet, frame(set), portal, fencedframe become inert placeholders in every
 *    namespace. SVG elements are created without a prefix (a prefix could only alias a namespace).
 *  - Attributes are judged by local name too: on* handlers, srcdoc, ping, attributionsrc,
 *    autofocus, http-equiv, xml:base… are kept only as inert `data-rd-*` copies.
 *  - URLs are normalised the way the WHATWG URL parser reads them (ASCII tab/newline removed
 *    anywhere, leading/trailing C0 controls and spaces trimmed, scheme case-folded) and then
 *    allow-listed per use: a fetched resource may be data: (images, media, fonts; never
 *    HTML/CSS/XML), our own blob:, or http(s) only when the user allowed web assets (the request
 *    interceptor still checks those). <use>, SMIL and paint-server references are #fragments only.
 *  - SMIL animations may only animate presentation/geometry attributes, to values without URLs or
 *    schemes (they could otherwise swap an href to javascript: or to a remote document at runtime).
 *  - CSS (style attributes, <style> text, CSSOM rules, SVG presentation attributes such as fill,
 *    filter, mask, clip-path, marker-*) has every url()/image-set()/@import checked with the same
 *    URL policy; CSS escapes that spell url / image-set / import are neutralised first.
 *  - Budgets: over-long attribute values are dropped, oversized canvases are not allocated
 *    (RD.budget records why; Python shows "too heavy to draw").
 *
 * Exposed (frozen) as RD.sanitize.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  RD.config = RD.config || { allowWebAssets: false, showCursor: true, headless: false };

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const XLINK_NS = 'http://www.w3.org/1999/xlink';
  const XML_NS = 'http://www.w3.org/XML/1998/namespace';

  // ---------------------------------------------------------------- budgets (see also budgets.py)

  /** Limits of what one page may cost the renderer. Mirrors app/replaydesk/replay/budgets.py. */
  const LIMITS = Object.freeze({
    attributeChars: 2 * 1024 * 1024, // any attribute value …
    dataUrlChars: 32 * 1024 * 1024, // … except data: URLs (inlined images, fonts)
    canvasPixels: 4096 * 4096, // width x height of one canvas (and of an image drawn into one)
    canvasSide: 16384,
    canvasCommands: 100000, // 2D commands per page load / frame
    useExpansion: 100000, // elements cloned by all SVG <use> instances together
    viewportSide: 16384,
  });

  /** Why the current page is "too heavy" (reset on every load, reported with the frame ack). */
  const budget = {
    reasons: new Set(),
    canvasCommands: 0,
    exceed(reason) {
      if (budget.reasons.size < 8) budget.reasons.add(String(reason));
    },
    reset() {
      budget.reasons.clear();
      budget.canvasCommands = 0;
    },
  };
  RD.budget = budget;

  // ---------------------------------------------------------------- URLs

  const SCRIPT_SCHEMES = { javascript: 1, vbscript: 1, livescript: 1, mocha: 1 };

  /** A URL as the WHATWG parser sees it: ASCII tab/newline removed, C0/space trimmed. */
  function normalizeUrl(value) {
    return String(value)
      .replace(/[\t\n\r]/g, '')
      .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  }

  /** The lower-cased scheme of a URL, '' for relative ones. */
  function schemeOf(value) {
    const m = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/.exec(normalizeUrl(value));
    return m ? m[1].toLowerCase() : '';
  }

  /** True for javascript:-like URLs, also when split by any control or space character. */
  function isScriptUrl(value) {
    if (SCRIPT_SCHEMES[schemeOf(value)]) return true;
    const squashed = String(value).replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u2000-\u200f\u2028\u2029\ufeff]+/g, '');
    const m = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/.exec(squashed);
    return !!(m && SCRIPT_SCHEMES[m[1].toLowerCase()]);
  }

  // blob: URLs we mint ourselves (canvas pixels) start with this prefix; recorded ones never do
  // (they name the recorded site's origin and could not be resolved here anyway)
  let ownBlob = null;
  function ownBlobPrefix() {
    if (ownBlob === null) {
      try {
        const u = URL.createObjectURL(new Blob([]));
        URL.revokeObjectURL(u);
        ownBlob = u.slice(0, u.lastIndexOf('/') + 1);
      } catch (e) {
        ownBlob = '';
      }
    }
    return ownBlob;
  }

  const ACTIVE_DATA = /^(text\/(css|html|xml|javascript|ecmascript|xsl)|application\/(xhtml\+xml|xml|javascript|ecmascript|xslt\+xml)|image\/svg\+xml-?script)$/;

  /**
   * May the content document fetch `value` for a resource of `kind`?
   *  'image' | 'media' | 'font': data: (not markup/CSS), our blob:, http(s) with web assets
   *  'stylesheet': http(s) with web assets only (a data: sheet could @import anything)
   *  'fragment': '#id' references only (<use>, SMIL targets, paint servers)
   */
  function urlAllowed(value, kind) {
    const v = normalizeUrl(value);
    if (kind === 'fragment') return v.startsWith('#');
    if (v === '') return kind !== 'stylesheet';
    if (isScriptUrl(v)) return false;
    const s = schemeOf(v);
    if (s === 'data') {
      if (kind === 'stylesheet') return false;
      const mime = v.slice(5).split(/[;,]/)[0].trim().toLowerCase();
      return !ACTIVE_DATA.test(mime);
    }
    if (s === 'blob') {
      const own = ownBlobPrefix();
      return !!own && v.startsWith(own);
    }
    if (s === 'http' || s === 'https') return !!RD.config.allowWebAssets;
    return false; // relative (would resolve against our renderer), file:, ftp:, ws:, …
  }

  /** srcset-style lists: allowed only if every candidate URL is allowed. */
  function srcsetAllowed(value) {
    return String(value)
      .split(',')
      .map((c) => normalizeUrl(c).split(/\s+/)[0])
      .filter(Boolean)
      .every((u) => urlAllowed(u, 'image'));
  }

  // ---------------------------------------------------------------- CSS

  const STR_DQ = '"(?:[^"\\\\\\n]|\\\\[\\s\\S])*"';
  const STR_SQ = "'(?:[^'\\\\\\n]|\\\\[\\s\\S])*'";
  const URL_BODY = '(?:' + STR_DQ + '|' + STR_SQ + '|(?:[^)\'"\\s\\\\]|\\\\[\\s\\S])*)';
  // url( / src( followed by its argument; the closing paren is not required (a comment or
  // garbage after a quoted URL still leaves a fetching function in some parsers)
  const URL_RE = new RegExp('(?<![\\w-])(url|src)\\(\\s*(' + URL_BODY + ')', 'gi');
  const IMPORT_RE = new RegExp(
    '@import(?:\\s|/\\*[\\s\\S]*?\\*/)*(?:(url|src)\\(\\s*(' + URL_BODY + ')|(' + STR_DQ + '|' + STR_SQ + '))',
    'gi'
  );
  const IMAGE_SET_RE = /(?<![\w-])(?:-webkit-)?image-set\(/gi;
  const IDENT_RE = /(?:[\w-]|\\(?:[0-9a-fA-F]{1,6}[ \t\n\r\f]?|[^\n\r\f0-9a-fA-F]))+/g;
  const FETCHING_NAMES = { url: 1, src: 1, 'image-set': 1, '-webkit-image-set': 1, image: 1, import: 1, 'cross-fade': 1, '-webkit-cross-fade': 1 };

  function cssUnescape(s) {
    return s.replace(/\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|([^\n\r\f0-9a-fA-F])|\n|\r\n?|\f)/g, (m, hex, ch) => {
      if (hex) {
        const cp = parseInt(hex, 16);
        return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
      }
      return ch || '';
    });
  }

  /** The URL inside a url()/string token body (quotes removed, escapes decoded). */
  function cssUrlValue(body) {
    let b = body.trim();
    if ((b[0] === '"' || b[0] === "'") && b[b.length - 1] === b[0]) b = b.slice(1, -1);
    return cssUnescape(b);
  }

  /**
   * Clean CSS text (a sheet, a rule, a declaration block or one property value).
   * mode 'css': url() may be an allowed image/font URL or a #fragment; @import only an allowed
   * stylesheet URL. mode 'fragment' (SVG presentation attributes): url(#id) only.
   */
  function cleanCss(text, mode) {
    let s = String(text);
    if (!/url|src|image|import|\\/i.test(s)) return s; // nothing that can fetch
    // 1. escapes spelling a fetching function or at-rule name: neutralise the name
    if (s.indexOf('\\') >= 0) {
      let hit = false;
      s = s.replace(IDENT_RE, (m) => {
        if (m.indexOf('\\') < 0 || !FETCHING_NAMES[cssUnescape(m).toLowerCase()]) return m;
        hit = true;
        return 'rd-blocked';
      });
      // and what such a function was given (it is invalid CSS now; keep no URL text around)
      if (hit) s = s.replace(/rd-blocked\((?:[^()'"]|"[^"]*"|'[^']*')*\)?/g, 'rd-blocked()');
    }
    // 2. @import: a stylesheet URL (web assets only), else an empty sheet (keeps rule indexes)
    s = s.replace(IMPORT_RE, (m, fn, body, str) => {
      const u = cssUrlValue(fn ? body : str);
      if (mode !== 'fragment' && urlAllowed(u, 'stylesheet')) return m;
      return fn ? '@import ' + fn + '("data:,"' : '@import url("data:,")';
    });
    // 3. url() / src(): allowed URLs or #fragments stay, anything else becomes an empty data: URL
    s = s.replace(URL_RE, (m, fn, body) => {
      const u = cssUrlValue(body);
      if (u === 'data:,' || urlAllowed(u, 'fragment')) return m;
      if (mode !== 'fragment' && urlAllowed(u, 'image')) return m;
      return fn + '("data:,"';
    });
    // 4. image-set("…"): strings are URLs there
    s = s.replace(IMAGE_SET_RE, (m, offset) => {
      // find the matching paren; check the strings inside
      let depth = 0, i = offset + m.length - 1, quote = '';
      for (; i < s.length; i++) {
        const ch = s[i];
        if (quote) {
          if (ch === '\\') i++;
          else if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '(') depth++;
        else if (ch === ')' && --depth === 0) break;
      }
      const args = s.slice(offset + m.length, i);
      const strings = args.match(new RegExp(STR_DQ + '|' + STR_SQ, 'g')) || [];
      const bad = strings.some((q) => mode === 'fragment' || !urlAllowed(cssUrlValue(q), 'image'));
      return bad ? 'rd-blocked-image-set(' : m;
    });
    return s;
  }

  // ---------------------------------------------------------------- elements

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

  // Elements that could execute, embed or navigate (by local name, in every namespace): rebuilt
  // as inert placeholders that keep the id (so later mutations still resolve).
  const INERT_TAGS = {
    script: 'rd-script', // hidden
    base: 'rd-base', // hidden: a recorded <base> must never rebase our URLs
    handler: 'rd-script', // SVG Tiny event handler scripts
    listener: 'rd-script',
    object: 'rd-embed', // neutral box
    embed: 'rd-embed',
    applet: 'rd-embed',
    frame: 'rd-embed',
    frameset: 'rd-frameset',
    portal: 'rd-embed',
    fencedframe: 'rd-embed',
  };
  const HIDDEN_INERT = { 'rd-script': 1, 'rd-base': 1 };
  const SMIL_TAGS = { animate: 1, set: 1, animatemotion: 1, animatetransform: 1, animatecolor: 1 };

  function localOf(name) {
    const n = String(name).toLowerCase();
    return n.slice(n.lastIndexOf(':') + 1);
  }

  /**
   * Create the element for a recorded tag name in `doc`. `svg`: in the SVG namespace.
   * Returns the element (an inert placeholder for executable/embedding tags).
   */
  function createElement(doc, rawTag, svg) {
    let tag = String(rawTag || 'div').toLowerCase();
    if (!/^[a-z][a-z0-9._\-]*(:[a-z][a-z0-9._\-]*)?$/.test(tag)) tag = 'div';
    const local = localOf(tag);
    let el;
    if (INERT_TAGS[local]) {
      const inert = INERT_TAGS[local];
      el = doc.createElement(inert);
      if (HIDDEN_INERT[inert]) el.setAttribute('data-rd-hidden', '');
      return el;
    }
    if (svg) return doc.createElementNS(SVG_NS, SVG_TAGS[local] || local);
    try {
      el = doc.createElement(tag);
    } catch (e) {
      el = doc.createElement('div');
    }
    return el;
  }

  function isSvg(el) {
    return el.namespaceURI === SVG_NS;
  }

  // ---------------------------------------------------------------- attributes

  // Attributes that carry a URL, by local name.
  const URL_ATTRS = {
    href: 1, src: 1, action: 1, formaction: 1, data: 1, poster: 1, background: 1, cite: 1,
    longdesc: 1, manifest: 1, codebase: 1, archive: 1, dynsrc: 1, lowsrc: 1, profile: 1, icon: 1,
    classid: 1, usemap: 1,
  };
  // Kept only as inert data-rd-* copies: they can only navigate, fetch, report, focus or script.
  const DROP_ATTRS = {
    ping: 1, srcdoc: 1, autofocus: 1, allow: 1, nonce: 1, integrity: 1, attributionsrc: 1,
    action: 1, formaction: 1, manifest: 1, codebase: 1, archive: 1, classid: 1, cite: 1,
    longdesc: 1, profile: 1, dynsrc: 1, lowsrc: 1, icon: 1, 'http-equiv': 1, base: 1,
    allowfullscreen: 1, allowpaymentrequest: 1, credentialless: 1, browsingtopics: 1,
    sharedstoragewritable: 1, adauctionheaders: 1, popovertargetaction: 0,
  };
  // SVG presentation attributes (and a few others) whose value may hold url(): #fragments only.
  const URL_PRESENTATION = {
    filter: 1, mask: 1, 'clip-path': 1, fill: 1, stroke: 1, 'marker-start': 1, 'marker-mid': 1,
    'marker-end': 1, marker: 1, cursor: 1, 'color-profile': 1, 'enable-background': 1,
  };
  // What a SMIL animation may animate: geometry and presentation, nothing that holds a URL
  // (href, src, style, on*, …) — changes made at runtime would bypass this sanitiser.
  const SMIL_TARGETS = {};
  ('x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points transform gradienttransform ' +
    'patterntransform viewbox preserveaspectratio opacity fill-opacity stroke-opacity stop-opacity ' +
    'flood-opacity fill stroke stop-color flood-color lighting-color color stroke-width ' +
    'stroke-dasharray stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit visibility ' +
    'display offset pathlength startoffset stddeviation dx dy rotate font-size font-weight ' +
    'letter-spacing word-spacing text-decoration class refx refy markerwidth markerheight ' +
    'basefrequency numoctaves scale k1 k2 k3 k4 radius slope intercept amplitude exponent ' +
    'surfacescale specularexponent diffuseconstant azimuth elevation')
    .split(' ')
    .forEach((n) => (SMIL_TARGETS[n] = 1));
  const SMIL_VALUES = { to: 1, from: 1, by: 1, values: 1 };

  const BLANK_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

  function rawSet(el, name, value) {
    try {
      el.setAttribute(name, value);
    } catch (e) {
      /* invalid name in this namespace: drop */
    }
  }

  /** Keep a refused recorded attribute as an inert `data-rd-*` copy (inspectable, no effect). */
  function keepInert(el, prefix, name, value) {
    const n = String(name).toLowerCase().replace(/[^a-z0-9._\-]/g, '-');
    rawSet(el, prefix + n, value);
  }

  /** A SMIL value (to/from/by/values) that cannot carry a URL, a scheme or an escape. */
  function smilValueSafe(value) {
    const squashed = String(value).replace(/[\u0000-\u0020\u007f-\u009f]+/g, '');
    if (/[:\\]/.test(squashed)) return false;
    if (/url\((?!['"]?#)/i.test(squashed)) return false;
    return true;
  }

  function hrefKind(el, local) {
    const tag = el.localName.toLowerCase();
    if (isSvg(el)) {
      if (tag === 'a') return 'link';
      if (tag === 'image' || tag === 'feimage') return 'image';
      return 'fragment'; // use, textPath, mpath, gradients, patterns, filters, SMIL targets
    }
    if (tag === 'a' || tag === 'area') return 'link';
    if (local === 'usemap') return 'fragment';
    if (tag === 'video' || tag === 'audio' || tag === 'source' || tag === 'track') return 'media';
    return 'image';
  }

  /**
   * Set one recorded attribute on `el`, sanitised. Unsafe attributes are kept under a `data-rd-*`
   * name (inspectable, inert) or dropped.
   */
  function setAttribute(el, name, value) {
    if (value === null || value === undefined || value === false) {
      removeAttribute(el, name);
      return;
    }
    if (value === true) value = '';
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string') return;
    const lname = String(name).toLowerCase();
    if (!/^[^\s"'>\/=\u0000-\u001f\u007f]+$/.test(lname)) return; // not a valid attribute name
    if (lname.startsWith('rr_') || lname === '_csstext') return; // handled by callers
    const local = localOf(lname);
    const tag = el.localName.toLowerCase();
    const svg = isSvg(el);
    if (lname.startsWith('data-rd-')) return rawSet(el, 'data-rd-recorded-' + lname.slice(8), value);
    if (privacy && (local === 'value' || local === 'placeholder' || local === 'label')) value = privateAttribute(el, local, value);

    if (value.length > LIMITS.attributeChars && !(value.length <= LIMITS.dataUrlChars && schemeOf(value) === 'data')) {
      budget.exceed('an attribute value of ' + Math.round(value.length / 1048576) + ' MB');
      return keepInert(el, 'data-rd-heavy-', lname, '');
    }
    if (local.startsWith('on')) return keepInert(el, 'data-rd-', lname, value);
    if (DROP_ATTRS[local] || lname === 'xml:base') return keepInert(el, 'data-rd-', lname, value);
    if (tag === 'meta' && local === 'content' && isScriptUrl(value.replace(/^[^=]*=/, '')))
      return keepInert(el, 'data-rd-', lname, value);

    if (svg && SMIL_TAGS[tag]) {
      if (local === 'attributename') {
        const target = localOf(value.trim());
        if (!SMIL_TARGETS[target]) return keepInert(el, 'data-rd-', lname, value);
        return rawSet(el, 'attributeName', value.trim());
      }
      if (SMIL_VALUES[local]) {
        if (!smilValueSafe(value)) return keepInert(el, 'data-rd-', lname, value);
        return rawSet(el, local, value);
      }
    }
    if (tag === 'iframe' && (local === 'src' || local === 'sandbox')) {
      if (local === 'src') keepInert(el, 'data-rd-blocked-', 'src', value);
      return;
    }
    if (tag === 'link' && (local === 'href' || local === 'rel' || local === 'imagesrcset')) {
      rawSet(el, 'data-rd-link-' + local, value);
      refreshLink(el);
      return;
    }
    if (local === 'srcset' || local === 'imagesrcset') {
      if (!srcsetAllowed(value) || el.hasAttribute('data-rd-inlined')) return keepInert(el, 'data-rd-blocked-', local, value);
      return rawSet(el, local, value);
    }
    if (local === 'style') return rawSet(el, 'style', cleanCss(value, 'css'));
    if (svg && URL_PRESENTATION[local]) return rawSet(el, lname, cleanCss(value, 'fragment'));
    if (svg && /url\(|\\/i.test(value) && !URL_ATTRS[local]) {
      // any other SVG attribute parsed as CSS: the same fragment-only rule
      return rawSet(el, lname === name ? name : local, cleanCss(value, 'fragment'));
    }
    if (URL_ATTRS[local] || (local === 'value' && tag === 'param')) {
      if (isScriptUrl(value)) {
        if (local === 'href' && (tag === 'a' || tag === 'area')) return rawSet(el, 'href', '#');
        return keepInert(el, 'data-rd-blocked-', lname, value);
      }
      const kind = hrefKind(el, local);
      if (kind === 'link') return setHref(el, lname, value); // links never fetch: keep for a[href] styling
      if (local === 'src' && tag === 'img' && el.hasAttribute('data-rd-inlined')) {
        return rawSet(el, 'data-rd-original-src', value);
      }
      if (!urlAllowed(value, kind)) {
        rawSet(el, 'data-rd-blocked', '');
        // a blocked <img> keeps its box (width/height attributes, CSS) as a light grey
        // placeholder instead of collapsing to alt text or a broken-image icon
        if (local === 'src' && tag === 'img') rawSet(el, 'src', BLANK_GIF);
        return keepInert(el, 'data-rd-blocked-', lname, value);
      }
      if (tag === 'use' && svg && (local === 'href')) {
        // activated by RD.sanitize.activateUses once the expansion budget is checked
        rawSet(el, 'data-rd-use-href', value);
        try {
          el.removeAttribute('href');
          el.removeAttributeNS(XLINK_NS, 'href');
        } catch (e) {}
        pendingUses.add(el);
        return;
      }
      return setHref(el, lname, value);
    }
    if (lname === 'xmlns' || lname.startsWith('xmlns:')) return; // implied by how we create elements
    if (lname.startsWith('xml:')) {
      try {
        el.setAttributeNS(XML_NS, lname, value);
      } catch (e) {}
      return;
    }
    if (tag === 'canvas' && (local === 'width' || local === 'height')) return setCanvasSize(el, local, value);
    rawSet(el, lname === name ? name : svg ? name : lname, value);
  }

  function setHref(el, lname, value) {
    if (lname === 'xlink:href') {
      try {
        el.setAttributeNS(XLINK_NS, 'xlink:href', value);
      } catch (e) {}
      return;
    }
    rawSet(el, localOf(lname) === 'href' ? 'href' : lname, value);
  }

  /** Canvas bitmaps over the pixel budget are not allocated (the box keeps its recorded size). */
  function setCanvasSize(el, dim, value) {
    const n = Math.max(0, Math.floor(+value) || 0);
    const other = dim === 'width' ? 'height' : 'width';
    const otherN = +(el.getAttribute('data-rd-canvas-' + other) || el.getAttribute(other) || (other === 'width' ? 300 : 150));
    rawSet(el, 'data-rd-canvas-' + dim, String(n));
    if (n > LIMITS.canvasSide || n * otherN > LIMITS.canvasPixels) {
      budget.exceed('a ' + (dim === 'width' ? n + 'x' + otherN : otherN + 'x' + n) + ' px canvas');
      rawSet(el, 'width', '0');
      rawSet(el, 'height', '0');
      rawSet(el, 'data-rd-heavy-canvas', '');
      return;
    }
    if (el.hasAttribute('data-rd-heavy-canvas')) {
      if (otherN > LIMITS.canvasSide || n * otherN > LIMITS.canvasPixels) return;
      el.removeAttribute('data-rd-heavy-canvas');
      rawSet(el, other, String(otherN));
    }
    rawSet(el, dim, value);
  }

  /** The recorded (not necessarily allocated) size of a canvas. */
  function canvasSize(el) {
    const w = el.getAttribute('data-rd-canvas-width'), h = el.getAttribute('data-rd-canvas-height');
    return {
      width: w !== null ? +w : el.width,
      height: h !== null ? +h : el.height,
      heavy: el.hasAttribute('data-rd-heavy-canvas'),
    };
  }

  function removeAttribute(el, name) {
    const lname = String(name).toLowerCase();
    const local = localOf(lname);
    const tag = el.localName.toLowerCase();
    if (tag === 'iframe' && (local === 'sandbox' || local === 'src' || local === 'srcdoc')) return; // ours
    try {
      if (local.startsWith('on') || DROP_ATTRS[local]) el.removeAttribute('data-rd-' + lname.replace(/[^a-z0-9._\-]/g, '-'));
      else if (tag === 'link' && (local === 'href' || local === 'rel')) {
        el.removeAttribute('data-rd-link-' + local);
        refreshLink(el);
      } else if (tag === 'use' && local === 'href') {
        el.removeAttribute('data-rd-use-href');
        el.removeAttribute('href');
        el.removeAttributeNS(XLINK_NS, 'href');
      } else {
        if (lname === 'xlink:href') el.removeAttributeNS(XLINK_NS, 'href');
        el.removeAttribute(isSvg(el) ? name : lname);
        el.removeAttribute('data-rd-blocked-' + lname.replace(/[^a-z0-9._\-]/g, '-'));
        if (tag === 'canvas' && (local === 'width' || local === 'height')) el.removeAttribute('data-rd-canvas-' + local);
      }
    } catch (e) {}
  }

  /**
   * <link> only ever becomes live as a stylesheet from an allowed http(s) URL (web assets on).
   * Preload, prefetch, modulepreload, icons, manifests… never get a real href.
   */
  function refreshLink(el) {
    const rel = (el.getAttribute('data-rd-link-rel') || '').toLowerCase().split(/\s+/);
    const href = el.getAttribute('data-rd-link-href');
    const isSheet = rel.indexOf('stylesheet') >= 0 && rel.indexOf('alternate') < 0;
    if (isSheet && href && urlAllowed(href, 'stylesheet')) {
      rawSet(el, 'rel', 'stylesheet');
      rawSet(el, 'href', normalizeUrl(href));
    } else {
      el.removeAttribute('href');
      el.removeAttribute('rel');
    }
  }

  // ---------------------------------------------------------------- SVG <use> expansion budget

  const pendingUses = new Set(); // <use> elements whose href waits for the budget check
  const activeUses = new Set();

  function useTarget(use, href) {
    const id = normalizeUrl(href).slice(1);
    if (!id) return null;
    const root = use.getRootNode();
    try {
      return root && root.getElementById ? root.getElementById(decodeURIComponent(id)) : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * Give <use> elements their href only while all instances together clone at most
   * LIMITS.useExpansion elements (a 7-level x 10 fan-out clones 10^7 and hangs the renderer).
   * Costs are computed on our own DOM before any instance tree exists (hrefs are inert until now).
   */
  function activateUses() {
    if (!pendingUses.size && !activeUses.size) return;
    const all = [];
    for (const u of activeUses) if (u.isConnected) all.push(u);
    for (const u of pendingUses) if (u.isConnected && all.indexOf(u) < 0) all.push(u);
    for (const u of Array.from(activeUses)) if (!u.isConnected) activeUses.delete(u);
    for (const u of Array.from(pendingUses)) if (!u.isConnected) pendingUses.delete(u);
    if (!all.length) return;
    const memo = new Map();
    const visiting = new Set();
    let work = 0;
    const costOf = (use) => {
      const target = useTarget(use, use.getAttribute('data-rd-use-href') || '');
      if (!target) return 1;
      if (memo.has(target)) return memo.get(target);
      if (visiting.has(target) || work > 1e6) return LIMITS.useExpansion + 1; // cycle / absurd
      visiting.add(target);
      let cost = 1 + target.getElementsByTagName('*').length;
      work += cost;
      const nested = target.localName === 'use' ? [target] : [];
      for (const n of target.getElementsByTagName('use')) nested.push(n);
      for (const n of nested) {
        if (n.getAttribute('data-rd-use-href')) cost += costOf(n);
        if (cost > LIMITS.useExpansion) break;
      }
      visiting.delete(target);
      memo.set(target, cost);
      return cost;
    };
    let total = 0;
    for (const u of all) {
      const href = u.getAttribute('data-rd-use-href');
      if (!href) continue;
      total += costOf(u);
      if (total <= LIMITS.useExpansion) {
        if (u.getAttribute('href') !== href) rawSet(u, 'href', href); // new, or changed since
        activeUses.add(u);
        u.removeAttribute('data-rd-heavy-use');
      } else {
        if (activeUses.has(u)) {
          u.removeAttribute('href');
          activeUses.delete(u);
        }
        if (!u.hasAttribute('data-rd-heavy-use')) rawSet(u, 'data-rd-heavy-use', '');
      }
      pendingUses.delete(u);
    }
    if (total > LIMITS.useExpansion) budget.exceed('SVG <use> would clone over ' + LIMITS.useExpansion + ' elements');
  }

  function resetPage() {
    pendingUses.clear();
    activeUses.clear();
    budget.reset();
  }

  /** The <use> bookkeeping of the page shown, to be put back when a parked page returns. */
  function savePage() {
    return { pending: new Set(pendingUses), active: new Set(activeUses) };
  }
  function restorePage(saved) {
    pendingUses.clear();
    activeUses.clear();
    for (const u of saved.pending) pendingUses.add(u);
    for (const u of saved.active) activeUses.add(u);
  }

  // ---------------------------------------------------------------- privacy modes (view time)

  /**
   * Viewer privacy modes, like PostHog's/Clarity's capture settings but applied while drawing (for
   * screen sharing): 'as-recorded' (default), 'mask-inputs' (form values, textarea text) and
   * 'mask-text' (every text node, placeholders and button labels too; implies mask-inputs).
   * Masking keeps length and spaces (every non-space character becomes '*'), so layout holds.
   * Style sheet text is never masked (it is CSS, not page text). Set by Qt through
   * RD.sanitize.setPrivacy; a change applies to what is drawn next (the player re-seeks).
   */
  const PRIVACY_MODES = ['as-recorded', 'mask-inputs', 'mask-text'];
  let privacy = 0;
  function setPrivacy(mode) {
    const i = PRIVACY_MODES.indexOf(String(mode));
    privacy = i < 0 ? 0 : i;
    return PRIVACY_MODES[privacy];
  }
  function privacyMode() {
    return PRIVACY_MODES[privacy];
  }
  function maskText(s) {
    return String(s).replace(/\S/g, '*');
  }
  /** Input types whose value is no text the user typed or sees (kept in every mode). */
  const VALUE_NOT_TEXT = { checkbox: 1, radio: 1, range: 1, color: 1, file: 1, image: 1, hidden: 1 };
  /** Input types whose value is a visible label (masked with the text, not with the inputs). */
  const VALUE_IS_LABEL = { submit: 1, button: 1, reset: 1 };
  const TEXT_EXEMPT = { style: 1, script: 1 };

  /** Text for a text node under `parent` (an element, fragment or null) in the current mode. */
  function text(value, parent) {
    const s = value == null ? '' : String(value);
    if (!privacy || !s) return s;
    const pl = parent && parent.localName ? String(parent.localName).toLowerCase() : '';
    if (TEXT_EXEMPT[pl]) return s;
    if (privacy === 2 || pl === 'textarea') return maskText(s);
    return s;
  }

  /** A form value written to `el` (input, textarea, contenteditable) in the current mode. */
  function inputValue(el, value) {
    const s = value == null ? '' : String(value);
    if (!privacy || !s || !el) return s;
    const tag = String(el.localName || '').toLowerCase();
    if (tag === 'select' || tag === 'option') return s; // a selection, not text (option text is masked as text)
    if (tag === 'input') {
      const type = String((el.getAttribute && el.getAttribute('type')) || 'text').toLowerCase();
      if (VALUE_NOT_TEXT[type]) return s;
      if (VALUE_IS_LABEL[type]) return privacy === 2 ? maskText(s) : s;
    }
    return maskText(s);
  }

  /** Attribute values that show as text: input values, placeholders, option labels. */
  function privateAttribute(el, local, value) {
    if (local === 'value') return el.localName === 'input' || el.localName === 'textarea' ? inputValue(el, value) : value;
    if (privacy === 2 && (local === 'placeholder' || (local === 'label' && el.localName === 'option'))) return maskText(value);
    return value;
  }

  // ---------------------------------------------------------------- styles

  /** Set one recorded (or our own) CSS property on an element or CSSOM declaration. */
  function setStyle(target, prop, value, priority) {
    const style = target && target.style && typeof target.style.setProperty === 'function' ? target.style : target;
    const p = String(prop);
    if (!/^-{0,2}[a-zA-Z_][a-zA-Z0-9_\-]*$/.test(p)) return;
    const pr = priority === 'important' ? 'important' : '';
    try {
      style.setProperty(p, cleanCss(value == null ? '' : String(value), 'css'), pr);
    } catch (e) {}
  }

  /** Markers and attributes of our own making (fixed names; values are inert or ours). */
  const TRUSTED_ATTRS = { sandbox: 'allow-same-origin', tabindex: '-1', 'aria-label': 1, scrolling: 'no' };
  function mark(el, name, value) {
    const n = String(name);
    if (n.startsWith('data-rd-')) return rawSet(el, n, value == null ? '' : String(value));
    const fixed = TRUSTED_ATTRS[n];
    if (fixed === 1 || fixed === value) return rawSet(el, n, value);
    throw new Error('sanitize.mark: ' + n + ' is not one of ours');
  }

  /** Show a data: image on an <img> (rr_dataURL inlining). */
  function setImageData(el, url) {
    if (el.localName !== 'img' || schemeOf(url) !== 'data' || !urlAllowed(url, 'image')) return false;
    if (url.length > LIMITS.dataUrlChars) {
      budget.exceed('an inlined image of ' + Math.round(url.length / 1048576) + ' MB');
      return false;
    }
    el.removeAttribute('data-rd-blocked');
    rawSet(el, 'data-rd-inlined', '');
    rawSet(el, 'src', url);
    if (el.hasAttribute('srcset')) {
      rawSet(el, 'data-rd-original-srcset', el.getAttribute('srcset'));
      el.removeAttribute('srcset');
    }
    return true;
  }

  function escHtml(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  }

  /**
   * Reset `doc` to an empty document in the recorded mode (standards/quirks, chosen by the
   * doctype we write: document.open()+write() is the only way) carrying `csp` as a meta policy.
   * The doctype parts are reduced to safe characters; everything else written is ours.
   */
  function writeShell(doc, dt, quirks, csp) {
    let doctype = '';
    if (dt) {
      doctype = '<!DOCTYPE ' + String(dt.name || 'html').replace(/[^A-Za-z0-9:_-]/g, '');
      const clean = (v) => String(v).replace(/[^A-Za-z0-9 \-\/.:+_()'%,;=#?]/g, '');
      if (dt.publicId) doctype += ' PUBLIC "' + clean(dt.publicId) + '"';
      if (dt.systemId) doctype += (dt.publicId ? ' "' : ' SYSTEM "') + clean(dt.systemId) + '"';
      doctype += '>';
    } else if (!quirks) {
      doctype = '<!DOCTYPE html>';
    }
    const meta = csp ? '<meta http-equiv="Content-Security-Policy" content="' + escHtml(csp) + '">' : '';
    doc.open();
    doc.write(doctype + '<html><head>' + meta + '</head><body></body></html>');
    doc.close();
  }

  RD.sanitize = Object.freeze({
    LIMITS,
    SVG_NS,
    BLANK_GIF,
    normalizeUrl,
    schemeOf,
    isScriptUrl,
    urlAllowed,
    srcsetAllowed,
    css: cleanCss,
    createElement,
    setAttribute,
    removeAttribute,
    refreshLink,
    setStyle,
    mark,
    setImageData,
    canvasSize,
    activateUses,
    resetPage,
    savePage,
    restorePage,
    writeShell,
    localName: localOf,
    setPrivacy,
    privacyMode,
    text,
    inputValue,
  });
})(window);
