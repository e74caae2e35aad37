/*
 * renderer.js — the page-level API `rd` that Qt drives, the stage (content frame sized at the
 * recorded viewport, scaled to fit the pane with one CSS transform over frame + cursor overlay),
 * and the "frame painted" acknowledgement.
 *
 * Trust boundary: this is the trusted outer page; only Qt calls `rd`. Recorded data it receives
 * (events, states) is handed to apply.js/build.js, which write it through RD.sanitize only.
 *
 * Why: keeping load / applyEvents / setState separate lets Qt either stream a recording or jump
 * to a checkpoint built elsewhere (the Python DOM mirror) and then restore side state. ack() is
 * how Qt learns a frame with the requested state is really on screen (grab() is blank or stale
 * otherwise): it waits for image decodes and canvas work, settles animations when asked, then for
 * the next animation frame to be rendered, and paints a token-coloured sentinel row that Qt can
 * verify in the grab.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  let frame = null;

  function stage() {
    return document.getElementById('rd-stage');
  }

  // Creating a frame costs ~6 ms of synchronous work (the browser registers a new browsing
  // context), and dropping a built document costs more. Neither needs to delay a seek: the next
  // frame is made ahead of time (hidden) and the old one is removed once the page is idle. Every
  // load still gets a fresh, never-used frame, so no state can leak from one page to the next.
  let spare = null;
  const retired = [];

  function makeFrame(hidden) {
    const f = document.createElement('iframe');
    f.className = 'rd-content';
    RD.sanitize.mark(f, 'sandbox', 'allow-same-origin');
    RD.sanitize.mark(f, 'tabindex', '-1');
    RD.sanitize.mark(f, 'aria-label', 'recorded page');
    RD.sanitize.mark(f, 'scrolling', 'no');
    f.hidden = hidden;
    const st = stage();
    // right after the shown frame (or first): the overlay stays on top, and an iframe must
    // never be moved later (moving it would discard its document)
    st.insertBefore(f, frame && frame.parentNode === st ? frame.nextSibling : st.firstChild);
    return f;
  }

  function whenIdle(fn) {
    if (global.requestIdleCallback) global.requestIdleCallback(fn, { timeout: 1000 });
    else setTimeout(fn, 50);
  }

  function tidyFrames() {
    while (retired.length) {
      const old = retired.pop();
      try {
        const d = old.contentDocument;
        if (d) {
          d.open();
          d.close();
        }
      } catch (e) {}
      old.remove();
    }
    if (!spare && frame) spare = makeFrame(true);
  }

  // Parked pages: the page shown before the current one is kept, built and laid out but not
  // painted (visibility: hidden), so that a seek back to it is a patch, not a build (replay/
  // patch.py). Qt names them by key and parks / evicts in the same order (ui/replay/view.py).
  const MAX_PARKED = 1;
  const parked = new Map(); // key -> {frame, page: the state apply.js saved for it}

  function retire(f) {
    f.hidden = true;
    f.removeAttribute('id');
    retired.push(f);
  }

  /** The frame shown goes: parked under `parkKey` with the state `page` (the oldest parked page
   * is then evicted), or, with no key, retired. */
  function leave(parkKey, page) {
    if (!frame) return;
    if (parkKey === undefined || parkKey === null) {
      retire(frame);
    } else {
      frame.classList.add('rd-parked');
      frame.removeAttribute('id');
      parked.set(parkKey, { frame, page });
      while (parked.size > MAX_PARKED) {
        const [oldest, p] = parked.entries().next().value;
        parked.delete(oldest);
        retire(p.frame);
      }
    }
    frame = null;
  }

  function show(next) {
    next.hidden = false;
    next.classList.remove('rd-parked');
    next.id = 'rd-content';
    frame = next;
    sizeFrame();
    whenIdle(tidyFrames);
    return frame;
  }

  /** Show a fresh sandboxed content frame in place of the current one, whose documents go, or
   * are parked under `parkKey` with the state `page` (then evicting the oldest parked page). */
  RD.newContentFrame = function (parkKey, page) {
    leave(parkKey, page);
    const next = spare && spare.isConnected && spare.contentDocument ? spare : makeFrame(false);
    spare = null;
    return show(next);
  };

  /** Park the page shown under `parkKey` (state `page`) and show the page parked under `key`;
   * returns that page's saved state, or null when no page is parked under `key`. */
  RD.swapContentFrame = function (parkKey, page, key) {
    const target = parked.get(key);
    if (!target || !target.frame.isConnected) return null;
    parked.delete(key);
    leave(parkKey, page);
    show(target.frame);
    return target.page;
  };

  /** Drop the parked pages (their documents go when the page is idle). */
  RD.dropParked = function () {
    for (const p of parked.values()) retire(p.frame);
    parked.clear();
    whenIdle(tidyFrames);
  };

  RD.topDocument = function () {
    try {
      return frame ? frame.contentDocument : null;
    } catch (e) {
      return null;
    }
  };

  function sizeFrame() {
    const { width, height } = RD.state.viewport;
    const st = stage();
    st.style.width = width + 'px';
    st.style.height = height + 'px';
    if (frame) {
      frame.style.width = width + 'px';
      frame.style.height = height + 'px';
    }
    placeSentinel();
    fit();
  }

  // The sentinel: headless, a token-coloured row under the viewport (the grab checks it);
  // with config.marker (benchmarks, tests), a small block in the pane's top-left corner over
  // everything, so that the time until the widget's pixels show a frame can be measured.
  function placeSentinel() {
    const { width, height } = RD.state.viewport;
    const sentinel = document.getElementById('rd-sentinel');
    const marker = !RD.config.headless && !!RD.config.marker;
    sentinel.hidden = !(RD.config.headless || marker);
    sentinel.style.position = marker ? 'fixed' : '';
    sentinel.style.zIndex = marker ? '2147483647' : '';
    sentinel.style.left = '0px';
    sentinel.style.top = marker ? '0px' : height + 'px';
    sentinel.style.width = marker ? '8px' : width + 'px';
    sentinel.style.height = marker ? '8px' : '';
  }

  // Zoom (set by Qt, mirrored in ReplayView.displayed_rect): 'fit' scales the page down to the
  // pane (never up), a number is a fixed scale (1 = 1:1). A page larger than the pane makes this
  // outer page scroll (scroll bars, wheel, or drag to pan); the recorded page never reflows.
  let zoom = 'fit';

  function scaleFor(pw, ph, width, height) {
    return zoom === 'fit' ? Math.min(pw / width, ph / height, 1) || 1 : zoom;
  }

  /** Scale the stage to the pane; headless rendering is always 1:1 at the top-left corner. */
  function fit() {
    const st = stage();
    const { width, height } = RD.state.viewport;
    const root = document.documentElement;
    if (RD.config.headless) {
      st.style.transform = 'none';
      st.style.left = '0px';
      st.style.top = '0px';
      root.classList.remove('rd-zoomed');
      return;
    }
    const pw = window.innerWidth, ph = window.innerHeight;
    const scale = scaleFor(pw, ph, width, height);
    const left = Math.max(0, (pw - width * scale) / 2), top = Math.max(0, (ph - height * scale) / 2);
    st.style.transform = 'scale(' + scale + ')';
    st.style.left = left + 'px';
    st.style.top = top + 'px';
    const scrolls = zoom !== 'fit' && (width * scale > pw + 0.5 || height * scale > ph + 0.5);
    root.classList.toggle('rd-zoomed', scrolls);
    root.style.overflow = scrolls ? 'auto' : 'hidden';
    document.body.style.overflow = scrolls ? 'visible' : 'hidden';
    root.style.colorScheme = 'dark'; // scroll bars that suit the dark backdrop
    let extent = document.getElementById('rd-extent');
    if (!extent) {
      extent = document.createElement('div');
      extent.id = 'rd-extent';
      extent.style.cssText = 'position:absolute;width:1px;height:1px;pointer-events:none;visibility:hidden';
      document.body.appendChild(extent);
    }
    extent.style.left = Math.max(0, left + width * scale - 1) + 'px';
    extent.style.top = Math.max(0, top + height * scale - 1) + 'px';
    if (!scrolls && (window.scrollX || window.scrollY)) window.scrollTo(0, 0);
  }
  window.addEventListener('resize', fit);

  /** 'fit' or a scale factor; keeps the point at the centre of the pane where it was. */
  RD.setZoom = function (z) {
    z = z === 'fit' ? 'fit' : Math.min(4, Math.max(0.1, +z || 1));
    const { width, height } = RD.state.viewport;
    const pw = window.innerWidth, ph = window.innerHeight;
    const before = scaleFor(pw, ph, width, height);
    const st = stage();
    const cx = (window.scrollX + pw / 2 - (parseFloat(st.style.left) || 0)) / before;
    const cy = (window.scrollY + ph / 2 - (parseFloat(st.style.top) || 0)) / before;
    zoom = z;
    fit();
    const after = scaleFor(pw, ph, width, height);
    if (zoom !== 'fit') {
      window.scrollTo(cx * after + (parseFloat(st.style.left) || 0) - pw / 2, cy * after + (parseFloat(st.style.top) || 0) - ph / 2);
    }
  };

  // drag to pan a zoomed page (the recorded page gets no pointer events: it is a picture)
  let drag = null;
  window.addEventListener('mousedown', (e) => {
    if (e.button !== 0 || !document.documentElement.classList.contains('rd-zoomed')) return;
    drag = { x: e.clientX, y: e.clientY };
    document.documentElement.style.cursor = 'grabbing';
    e.preventDefault();
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    window.scrollBy(drag.x - e.clientX, drag.y - e.clientY);
    drag = { x: e.clientX, y: e.clientY };
  });
  window.addEventListener('mouseup', () => {
    drag = null;
    document.documentElement.style.cursor = '';
  });

  RD.setViewport = function (width, height) {
    width = Math.round(+width);
    height = Math.round(+height);
    if (!(width > 0 && height > 0)) return;
    const side = RD.sanitize.LIMITS.viewportSide;
    if (width > side || height > side) {
      RD.budget.exceed('a ' + width + 'x' + height + ' px viewport');
      width = Math.min(width, side);
      height = Math.min(height, side);
    }
    RD.state.viewport = { width, height };
    sizeFrame();
  };

  function allDocuments() {
    const out = [];
    const top = RD.topDocument();
    const stack = top ? [top] : [];
    while (stack.length) {
      const d = stack.pop();
      out.push(d);
      for (const f of d.querySelectorAll('iframe')) {
        try {
          if (f.contentDocument) stack.push(f.contentDocument);
        } catch (e) {}
      }
    }
    return out;
  }

  /**
   * Put every CSS animation/transition at the phase it had live at recorded time `at`, then
   * freeze it: elapsed = at - (when its element was inserted or last changed, else the page
   * snapshot). Finite ones that would be over are finished, so elements inserted with an entry
   * animation are visible (rrweb pauses them at their first keyframe); infinite ones (spinners,
   * pulsing dots) show their live phase instead of frame 0.
   */
  function settleAnimations(docs, at) {
    for (const d of docs) {
      let anims = [];
      try {
        anims = d.getAnimations();
      } catch (e) {}
      for (const a of anims) {
        try {
          const target = a.effect && a.effect.target;
          const t = a.effect.getComputedTiming();
          const started = target ? Math.max(RD.clock.inserted.get(target) || 0, RD.clock.touched.get(target) || 0) : 0;
          const start = started || RD.clock.loadedAt;
          const elapsed = at && start ? Math.max(0, at - start) : Infinity;
          if (Number.isFinite(t.endTime) && elapsed >= t.endTime) {
            a.finish();
          } else if (Number.isFinite(elapsed)) {
            a.currentTime = elapsed;
            a.pause();
          } else if (Number.isFinite(t.endTime)) {
            a.finish();
          }
        } catch (e) {}
      }
    }
  }

  function imageDecodes(docs) {
    const out = [];
    for (const d of docs) {
      for (const img of d.images) {
        if (!img.complete && img.getAttribute('src')) out.push(img.decode().catch(() => {}));
      }
      if (d.fonts && d.fonts.status !== 'loaded') out.push(d.fonts.ready.catch(() => {}));
    }
    return out;
  }

  // "Painted": the next animation frame has run its rendering update (style, layout, paint and
  // the hand-off to the compositor happen in the same task, right after the rAF callbacks), so a
  // task posted from the rAF callback runs once that frame is produced. Waiting for a second rAF
  // instead would add the idle time until the following vsync (up to 16.7 ms) to every seek.
  const nextPaint = () =>
    new Promise((resolve) =>
      requestAnimationFrame(function rdPaintFrame() {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve();
        ch.port2.postMessage(null);
      })
    );

  function tokenColour(token) {
    const r = (token * 97 + 31) & 255, g = (token * 57 + 101) & 255, b = (token * 23 + 211) & 255;
    return [r, g, b];
  }
  RD.tokenColour = tokenColour;

  /**
   * Resolve after the state applied so far is painted; then tell Qt (kind "frame").
   * opts.settle: put animations at their recorded phase and freeze them (paused seeks, headless
   * frames); opts.at: the recorded time of the frame (defaults to the latest applied event).
   */
  RD.ack = async function (token, opts) {
    opts = opts || {};
    for (let i = 0; i < 3; i++) {
      const docs = allDocuments();
      const waits = imageDecodes(docs).concat(Array.from(RD.pending));
      if (!waits.length) break;
      await Promise.allSettled(waits);
    }
    RD.restoreScrolls();
    RD.restoreInputs();
    RD.restoreSelection();
    if (opts.settle) settleAnimations(allDocuments(), typeof opts.at === 'number' ? opts.at : RD.clock.now);
    RD.cursor.refreshHover();
    placeHighlight();
    const [r, g, b] = tokenColour(token);
    document.getElementById('rd-sentinel').style.backgroundColor = 'rgb(' + r + ',' + g + ',' + b + ')';
    await nextPaint();
    const heavy = Array.from(RD.budget.reasons);
    RD.budget.reasons.clear();
    RD.bridge.post(heavy.length ? { kind: 'frame', token, heavy: heavy.join('; ') } : { kind: 'frame', token });
    return token;
  };

  RD.configure = function (cfg) {
    cfg = cfg || {};
    for (const k of ['allowWebAssets', 'showCursor', 'headless', 'marker']) if (k in cfg) RD.config[k] = !!cfg[k];
    document.documentElement.classList.toggle('rd-headless', !!RD.config.headless);
    const c = document.getElementById('rd-cursor');
    if (c) c.hidden = !RD.config.showCursor;
    sizeFrame();
  };

  // Outline of one recorded element (a frustration signal's target): a box in the trusted
  // overlay, placed from the element's layout box (nested frames' offsets added), so nothing
  // is written into the recorded document. Kept by id and placed again on every ack.
  let highlightId = null;

  function placeHighlight() {
    let box = document.getElementById('rd-highlight');
    if (highlightId === null) {
      if (box) box.hidden = true;
      return false;
    }
    const el = RD.mirror.get(highlightId);
    let r = null;
    try {
      r = el && el.nodeType === 1 && el.isConnected ? el.getBoundingClientRect() : null;
    } catch (e) {}
    if (!r || (r.width === 0 && r.height === 0)) {
      if (box) box.hidden = true;
      return false;
    }
    let x = r.left, y = r.top;
    let d = el.ownerDocument;
    const top = RD.topDocument();
    while (d && d !== top) {
      const fe = d.defaultView && d.defaultView.frameElement;
      if (!fe) break;
      const fr = fe.getBoundingClientRect();
      x += fr.left + fe.clientLeft;
      y += fr.top + fe.clientTop;
      d = fe.ownerDocument;
    }
    if (!box) {
      box = document.createElement('div');
      box.id = 'rd-highlight';
      document.getElementById('rd-overlay').appendChild(box);
    }
    box.style.left = x - 3 + 'px';
    box.style.top = y - 3 + 'px';
    box.style.width = r.width + 6 + 'px';
    box.style.height = r.height + 6 + 'px';
    box.hidden = false;
    return true;
  }

  /** Outline the element with recorded id `id` (null: none); true if it is on the page now. */
  RD.highlight = function (id) {
    highlightId = Number.isInteger(id) ? id : null;
    return placeHighlight();
  };

  /** Drop the content (explicit teardown: frees the recorded DOM, rrweb#883). */
  RD.clear = function () {
    highlightId = null;
    placeHighlight();
    RD.mirror.reset();
    if (frame) retired.push(frame);
    if (spare) retired.push(spare);
    frame = spare = null;
    RD.dropParked();
    tidyFrames(); // with no frame shown, no spare is made
  };

  // Public, JSON-in API used by Qt (runJavaScript). Each returns a small JSON-able value.
  global.rd = Object.freeze({
    load: (o) => (RD.load(o), true),
    applyEvents: (evs) => (RD.applyEvents(evs), true),
    setState: (s) => (RD.setState(s), true),
    patchPage: (p) => (RD.patchPage(p), true),
    dropParked: () => (RD.dropParked(), true),
    ack: (token, opts) => RD.ack(token, opts), // a promise: resolves (with token) once painted
    configure: (cfg) => (RD.configure(cfg), true),
    clear: () => (RD.clear(), true),
    setViewport: (w, h) => (RD.setViewport(w, h), true),
    setZoom: (z) => (RD.setZoom(z), true),
    highlight: (id) => RD.highlight(id),
    // the outline's box as JSON text ("null": none), for tests and diagnostics
    highlightBox: () => {
      const b = document.getElementById('rd-highlight');
      return JSON.stringify(b && !b.hidden ? { id: highlightId, left: parseFloat(b.style.left), top: parseFloat(b.style.top),
        width: parseFloat(b.style.width), height: parseFloat(b.style.height) } : null);
    },
    info: () => ({
      viewport: RD.state.viewport,
      nodes: RD.mirror.nodes.size,
      href: RD.state.href,
      compatMode: RD.topDocument() ? RD.topDocument().compatMode : null,
    }),
  });

  function start() {
    sizeFrame();
    if (RD.bridge.connect()) RD.bridge.post({ kind: 'ready' });
    else console.warn('replay: no Qt bridge (standalone page)');
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(window);
