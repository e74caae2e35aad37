/*
 * apply.js — apply rrweb events (full snapshots and every IncrementalSnapshot source) to the
 * content frame built by build.js, and keep the "side state" (scrolls, input values, canvases,
 * mouse) that a seek must restore.
 *
 * Trust boundary: runs in the trusted outer page; every event it reads is untrusted. Attributes,
 * inline styles and style text reach the content frame only through RD.sanitize (sanitize.js).
 *
 * Why it is separate from build.js: build.js only knows how to create sanitised nodes; this file
 * knows rrweb's event semantics (deferred adds by nextId, style diffs, CSSOM rule paths,
 * constructed stylesheets, canvas commands, selection). Nothing here throws on bad data: a bad op
 * is logged and skipped (rrweb#1690, #376).
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  RD.state = {
    scrolls: new Map(), // id -> {x, y}
    inputs: new Map(), // id -> {text, isChecked}
    canvases: new Map(), // id -> dataURL restored by setState
    viewport: { width: 1024, height: 768 },
    href: '',
  };
  RD.mirror = new RD.Mirror();
  // Recorded time: when the current page was snapshotted, the latest applied event, and per
  // element when it was inserted / last had its attributes changed. Used to put CSS animations
  // at the phase they had live (renderer.js settleAnimations).
  RD.clock = { loadedAt: 0, now: 0, inserted: new WeakMap(), touched: new WeakMap() };
  const parkedDocs = new Map(); // iframe id -> serialized Document waiting for its element
  let lastSelection = null;

  const warn = RD.warn;
  const track = RD.track;
  const S = RD.sanitize;

  // ------------------------------------------------------------------ frames

  RD.parkFrameDocument = function (iframeId, sn) {
    parkedDocs.set(iframeId, sn);
  };
  RD.attachParkedFrame = function (iframe) {
    const id = RD.mirror.idOf(iframe);
    const sn = parkedDocs.get(id);
    if (sn && iframe.isConnected) {
      parkedDocs.delete(id);
      RD.buildFrameDocument(iframe, sn, RD.mirror);
      RD.reAdoptAll();
    }
  };

  // ------------------------------------------------------------------ mutations

  function resolveParent(add) {
    const p = RD.mirror.get(add.parentId);
    if (!p) return null;
    if (add.node && add.node.isShadow && p.nodeType === 1) return p.shadowRoot || RD.ensureShadow(p);
    if (p.nodeType === 1 && p.localName === 'template' && p.content) return p.content;
    return p;
  }

  function docOf(parent) {
    return parent.nodeType === 9 ? parent : parent.ownerDocument;
  }

  /** Deepest DOM level kept: must equal MAX_DEPTH in app/replaydesk/formats/limits.py. */
  const MAX_DEPTH = 2000;
  function depthOf(node) {
    let d = 0;
    for (let n = node; n && d <= MAX_DEPTH; n = n.parentNode || n.host) d++;
    return d - 1;
  }

  /** Insert one add whose parent exists (and whose next sibling exists or will not come). */
  function tryAdd(add, ctx) {
    const sn = add.node;
    if (!sn) return true;
    const parentEl = RD.mirror.get(add.parentId);
    if (!parentEl) return false;
    if (sn.type === 0) {
      // isAttachIframe: a whole document for an iframe element
      if (parentEl.localName === 'iframe') {
        if (parentEl.isConnected) {
          RD.buildFrameDocument(parentEl, sn, RD.mirror);
          RD.reAdoptAll();
        } else RD.parkFrameDocument(add.parentId, sn);
      }
      return true;
    }
    const parent = resolveParent(add);
    if (!parent) return false;
    if (depthOf(parent) >= MAX_DEPTH) {
      // a page grown deeper add by add: left out, as the Python mirror does (anomaly too_deep)
      warn('add for id ' + sn.id + ' left out: deeper than ' + MAX_DEPTH + ' levels');
      return true;
    }
    const doc = docOf(parent);
    let node = RD.mirror.get(sn.id);
    // A text child of a <style> built from _cssText: keep the CSS, just adopt the id. Also when
    // the text is not empty: old recorders sent the CSS twice, _cssText and a text child that
    // may differ, and rrweb keeps _cssText (rrweb#1417; its bad-style.ts fixture)
    if (sn.type === 3 && parent.localName === 'style' && parent.hasAttribute('data-rd-csstext')) {
      const only = parent.childNodes.length === 1 ? parent.firstChild : null;
      const existing = sn.textContent
        ? only && only.nodeType === 3 && RD.mirror.idOf(only) === -1 ? only : null
        : Array.from(parent.childNodes).find((c) => c.nodeType === 3 && RD.mirror.idOf(c) === -1);
      if (existing) {
        RD.mirror.set(sn.id, existing);
        return true;
      }
    }
    if (!node || node.ownerDocument !== doc) {
      const parentSvg = parent.namespaceURI === 'http://www.w3.org/2000/svg' && parent.localName !== 'foreignObject';
      node = RD.createNode(doc, sn, ctx, parentSvg, parent);
      if (!node) return true;
      RD.mirror.set(sn.id, node, { type: sn.type, tag: sn.tagName ? String(sn.tagName).toLowerCase() : '', rootId: sn.rootId });
      if (sn.type === 2 && sn.isShadowHost) RD.ensureShadow(node);
    }
    if (sn.type === 3 && parent.localName === 'textarea') {
      parent.textContent = '';
    }
    if (node.nodeType === 3 && parent.localName === 'style') node.textContent = S.css(node.textContent);
    // one doctype / <html> per document (document.open rewrite): the old one and its ids go,
    // as in the Python mirror (replay/mutation.py _make_room)
    if (sn.type === 1 && parent.nodeType === 9 && parent.doctype && parent.doctype !== node) {
      RD.mirror.forget(parent.doctype);
      parent.removeChild(parent.doctype);
    }
    if (sn.type === 2 && parent.nodeType === 9 && parent.documentElement && parent.documentElement !== node) {
      RD.mirror.forget(parent.documentElement);
      parent.removeChild(parent.documentElement);
    }
    let next = null;
    if (add.nextId !== null && add.nextId !== undefined) {
      next = RD.mirror.get(add.nextId);
      if (next && next.parentNode !== parent) next = null;
    } else if (add.previousId !== null && add.previousId !== undefined && add.previousId !== -1) {
      const prev = RD.mirror.get(add.previousId);
      if (prev && prev.parentNode === parent) next = prev.nextSibling;
    }
    try {
      parent.insertBefore(node, next);
    } catch (e) {
      warn('insert failed for id ' + sn.id, e);
      return true;
    }
    if (node.nodeType === 1) RD.clock.inserted.set(node, RD.clock.now);
    if (node.nodeType === 1) {
      if (node.localName === 'canvas') ctx.after.push(() => RD.fixCanvasBox(node));
      if (node.localName === 'iframe') ctx.frames.push({ iframe: node, sn: null });
      if (node.localName === 'style') RD.markStyleDirty(node);
      if (node.localName === 'dialog') ctx.after.push(() => RD.syncDialog(node));
      if (RD.styles.adoptions.has(sn.id)) ctx.after.push(() => RD.styles.adopt(sn.id));
    } else if (node.nodeType === 3 && parent.localName === 'style') {
      RD.markStyleDirty(parent);
    }
    if (ctx.styleText.has(node)) RD.distributeCssText(node, ctx.styleText.get(node));
    return true;
  }

  /**
   * Insert adds in dependency order in O(n): an add waits for its parent and (if that sibling is
   * part of this batch and not there yet) its nextId; inserting a node releases its waiters.
   * Whatever is still waiting at the end either had a cycle of nextIds (inserted ignoring the
   * sibling) or a parent that never came (dropped with a warning) — no wall-clock cutoff
   * (rrweb#1407).
   */
  function resolveAdds(adds, ctx) {
    const pendingIds = new Set();
    for (const a of adds) if (a && a.node && a.node.type !== 0) pendingIds.add(a.node.id);
    const waiting = new Map(); // id -> adds waiting for it
    const wait = (id, a) => {
      let l = waiting.get(id);
      if (!l) waiting.set(id, (l = []));
      l.push(a);
    };
    const blocker = (a) => {
      if (!RD.mirror.has(a.parentId)) return a.parentId;
      if (a.nextId !== null && a.nextId !== undefined && !RD.mirror.has(a.nextId) && pendingIds.has(a.nextId)) return a.nextId;
      return null;
    };
    const run = (first, ignoreNext) => {
      const stack = [first];
      while (stack.length) {
        const a = stack.pop();
        const need = ignoreNext && a === first ? (RD.mirror.has(a.parentId) ? null : a.parentId) : blocker(a);
        if (need !== null) {
          wait(need, a);
          continue;
        }
        tryAdd(a, ctx);
        const id = a.node.id;
        pendingIds.delete(id);
        const released = waiting.get(id);
        if (released) {
          waiting.delete(id);
          for (let i = released.length - 1; i >= 0; i--) stack.push(released[i]);
        }
      }
    };
    for (const a of adds) {
      if (!a || !a.node) continue;
      if (a.node.type === 0 && !RD.mirror.has(a.parentId)) {
        RD.parkFrameDocument(a.parentId, a.node); // iframe element arrives later
        continue;
      }
      run(a, false);
    }
    // leftovers: nextId cycles (insert ignoring the sibling) and orphans (parent never came)
    for (const a of adds) {
      if (!a || !a.node || !pendingIds.has(a.node.id)) continue;
      if (RD.mirror.has(a.parentId)) run(a, true);
    }
    for (const list of waiting.values()) {
      for (const a of list) warn('dropped add for id ' + a.node.id + ': parent ' + a.parentId + ' missing');
    }
  }

  /** Take node `id` out of its page. `subtree`: the side state of every node in it goes too
   * (a patch's fresh copy under the same id must not get a typed value or offset back); a
   * recorded Mutation forgets only the node's own (a node moved keeps its descendants'). */
  function removeNode(id, subtree) {
    const n = RD.mirror.get(id);
    if (!n) return;
    try {
      if (n.parentNode) n.parentNode.removeChild(n);
    } catch (e) {}
    const gone = subtree ? [] : null;
    RD.mirror.forget(n, gone);
    for (const nid of gone || [id]) {
      RD.state.scrolls.delete(nid);
      RD.state.inputs.delete(nid);
      if (subtree) RD.state.canvases.delete(nid);
    }
  }

  function applyMutation(d) {
    const ctx = RD.newContext();
    for (const r of d.removes || []) removeNode(r.id, false);
    resolveAdds(d.adds || [], ctx);
    const texts = new Map();
    for (const t of d.texts || []) texts.set(t.id, t.value);
    for (const [id, value] of texts) {
      const n = RD.mirror.get(id);
      if (!n) continue;
      const inStyle = n.parentNode && n.parentNode.localName === 'style';
      n.textContent = value == null ? '' : inStyle ? S.css(String(value)) : S.text(value, n.parentNode);
      if (inStyle) RD.markStyleDirty(n.parentNode);
    }
    for (const a of d.attributes || []) applyAttributeMutation(a, ctx);
    RD.finishContext(ctx, RD.mirror);
  }

  function applyAttributeMutation(a, ctx) {
    let el = RD.mirror.get(a.id);
    if (!el || el.nodeType !== 1) return;
    RD.clock.touched.set(el, RD.clock.now);
    const attrs = a.attributes || {};
    if (typeof attrs._cssText === 'string' && el.localName === 'link') {
      // a late-loaded <link> became readable: replace it with a <style> (sentry#14598)
      const doc = el.ownerDocument;
      const st = doc.createElement('style');
      RD.mirror.set(a.id, st, RD.mirror.meta.get(el));
      el.replaceWith(st);
      el = st;
    }
    for (const name of Object.keys(attrs)) {
      const v = attrs[name];
      if (name === '_cssText') {
        if (el.localName === 'style' && typeof v === 'string') {
          S.mark(el, 'data-rd-csstext', '');
          el.textContent = S.css(v);
          RD.markStyleDirty(el);
        } else if (el.localName === 'style' && v === null && el.hasAttribute('data-rd-csstext')) {
          // the rules are gone (a patch onto a moment before they were inserted): an empty
          // <style>, as a build of that moment makes it
          el.removeAttribute('data-rd-csstext');
          el.textContent = '';
          RD.markStyleDirty(el);
        }
        continue;
      }
      if (name === 'style' && v && typeof v === 'object') {
        for (const prop of Object.keys(v)) {
          const pv = v[prop];
          try {
            if (pv === false) el.style.removeProperty(prop);
            else if (Array.isArray(pv)) S.setStyle(el, prop, pv[0], pv[1] || '');
            else S.setStyle(el, prop, pv);
          } catch (e) {}
        }
        continue;
      }
      if (name === 'value' && el.localName === 'textarea') {
        el.textContent = S.inputValue(el, v);
        el.value = S.inputValue(el, v);
        continue;
      }
      if (name.startsWith('rr_')) {
        const special = {};
        special[name] = v;
        if (name === 'rr_dataURL' && el.localName === 'canvas') {
          RD.drawCanvasImage(el, v, true);
          continue;
        }
        if (name === 'rr_dataURL' && el.localName === 'img' && v && RD.schemeOf(v) === 'data') {
          S.setImageData(el, v);
          continue;
        }
        if (name === 'rr_open_mode') {
          if (v) S.mark(el, 'data-rd-open-mode', String(v));
          ctx.after.push(() => RD.syncDialog(el));
          continue;
        }
        if (name === 'rr_src' && el.localName === 'iframe') {
          if (v) S.mark(el, 'data-rd-blocked-src', String(v));
          continue;
        }
        RD.applySpecialAttributes(el, { id: a.id }, special, ctx);
        continue;
      }
      if (el.localName === 'img' && el.hasAttribute('data-rd-inlined') && (name === 'src' || name === 'srcset')) {
        // the dataURL stays authoritative unless a new one arrives
        if (typeof v === 'string') S.mark(el, name === 'src' ? 'data-rd-original-src' : 'data-rd-original-srcset', v);
        continue;
      }
      RD.setAttr(el, name, v);
      if ((name === 'width' || name === 'height') && el.localName === 'canvas') ctx.after.push(() => RD.fixCanvasBox(el));
      if (name === 'value' && el.localName === 'input' && v !== null) el.value = S.inputValue(el, v);
      if (name === 'checked' && el.localName === 'input') el.checked = v !== null && v !== false;
      if (name === 'open' && el.localName === 'dialog') ctx.after.push(() => RD.syncDialog(el));
    }
  }

  // ------------------------------------------------------------------ scroll / input / selection

  function scrollNode(id, x, y) {
    const n = RD.mirror.get(id);
    if (!n) return;
    try {
      if (n.nodeType === 9) {
        const win = n.defaultView;
        if (win) win.scrollTo({ left: x, top: y, behavior: 'instant' });
      } else if (n.nodeType === 1) {
        n.scrollTo({ left: x, top: y, behavior: 'instant' });
      }
    } catch (e) {}
  }
  RD.scrollNode = scrollNode;

  function applyScroll(d) {
    RD.state.scrolls.set(d.id, { x: d.x || 0, y: d.y || 0 });
    scrollNode(d.id, d.x || 0, d.y || 0);
  }

  function setInput(id, text, isChecked) {
    const el = RD.mirror.get(id);
    if (!el || el.nodeType !== 1) return;
    const tag = el.localName;
    try {
      if (tag === 'input') {
        const type = (el.getAttribute('type') || 'text').toLowerCase();
        if (type === 'checkbox' || type === 'radio') el.checked = !!isChecked;
        else if (typeof text === 'string' && type !== 'file') el.value = S.inputValue(el, text);
      } else if (tag === 'textarea' || tag === 'select') {
        if (typeof text === 'string') el.value = S.inputValue(el, text);
      } else if (el.isContentEditable && typeof text === 'string') {
        el.textContent = S.inputValue(el, text);
      }
    } catch (e) {}
  }

  function applyInput(d) {
    if (d.id === -1) return;
    RD.state.inputs.set(d.id, { text: d.text, isChecked: d.isChecked });
    setInput(d.id, d.text, d.isChecked);
  }

  function applySelection(d) {
    lastSelection = d.ranges || [];
    paintSelection();
  }

  function paintSelection() {
    const ranges = lastSelection;
    if (!ranges) return;
    const docs = new Set();
    for (const r of ranges) {
      const s = RD.mirror.get(r.start);
      if (s) docs.add(s.nodeType === 9 ? s : s.ownerDocument);
    }
    const top = RD.topDocument();
    if (top) docs.add(top);
    for (const doc of docs) {
      try {
        doc.getSelection().removeAllRanges();
      } catch (e) {}
    }
    for (const r of ranges) {
      const s = RD.mirror.get(r.start), e = RD.mirror.get(r.end);
      if (!s || !e) continue;
      try {
        const doc = s.nodeType === 9 ? s : s.ownerDocument;
        const range = doc.createRange();
        range.setStart(s, Math.min(r.startOffset, maxOffset(s)));
        range.setEnd(e, Math.min(r.endOffset, maxOffset(e)));
        doc.getSelection().addRange(range);
      } catch (err) {
        /* offsets out of date */
      }
    }
  }

  function maxOffset(n) {
    return n.nodeType === 3 || n.nodeType === 8 ? n.length : n.childNodes.length;
  }

  // ------------------------------------------------------------------ media

  function applyMedia(d) {
    const el = RD.mirror.get(d.id);
    if (!el || (el.localName !== 'video' && el.localName !== 'audio')) return;
    try {
      if (d.currentTime !== undefined) el.currentTime = d.currentTime;
      if (d.volume !== undefined) el.volume = d.volume;
      if (d.muted !== undefined) el.muted = d.muted;
      if (d.loop !== undefined) el.loop = d.loop;
      if (d.playbackRate !== undefined) el.playbackRate = d.playbackRate;
      if (d.type === 1) el.pause();
      // Play (0) is not started: playback in a scriptless replay would drift from the recording.
    } catch (e) {}
  }

  // ------------------------------------------------------------------ fonts

  function applyFont(d) {
    const doc = RD.topDocument();
    if (!doc || !doc.fonts) return;
    try {
      let src = d.fontSource;
      if (d.buffer) src = new Uint8Array(JSON.parse(d.fontSource)).buffer;
      else if (!/url\(\s*['"]?(data|blob):/i.test(String(src)) && !RD.config.allowWebAssets) return;
      const FF = doc.defaultView.FontFace;
      const face = new FF(d.family, src, d.descriptors || {});
      doc.fonts.add(face);
      track(face.load().catch(() => {}));
    } catch (e) {}
  }

  // ------------------------------------------------------------------ dispatch

  /** Apply one incremental snapshot payload. */
  function applyIncremental(d) {
    switch (d.source) {
      case 0:
        applyMutation(d);
        break;
      case 1:
      case 6:
      case 12:
        RD.cursor.moves(d.positions || [], d.source === 6);
        break;
      case 2:
        RD.cursor.interaction(d);
        break;
      case 3:
        applyScroll(d);
        break;
      case 4:
        RD.setViewport(d.width, d.height);
        break;
      case 5:
        applyInput(d);
        break;
      case 7:
        applyMedia(d);
        break;
      case 8:
        RD.applyStyleSheetRule(d);
        break;
      case 9:
        RD.applyCanvas(d);
        break;
      case 10:
        applyFont(d);
        break;
      case 13:
        RD.applyStyleDeclaration(d);
        break;
      case 14:
        applySelection(d);
        break;
      case 15:
        RD.applyAdopted(d);
        break;
      default:
        break; // 11 Log, 16 CustomElement: nothing to render
    }
  }

  /** Apply a list of rrweb events (any type). Meta + FullSnapshot pairs rebuild the page. */
  RD.applyEvents = function (events) {
    let pendingMeta = null;
    RD.budget.canvasCommands = 0; // the canvas command budget is per frame (one call)
    for (const ev of events || []) {
      if (!ev || typeof ev !== 'object') continue;
      if (typeof ev.timestamp === 'number') RD.clock.now = ev.timestamp;
      try {
        switch (ev.type) {
          case 4:
            pendingMeta = ev.data || {};
            RD.setViewport(pendingMeta.width, pendingMeta.height);
            RD.state.href = pendingMeta.href || RD.state.href;
            break;
          case 2:
            RD.load({
              node: ev.data.node,
              initialOffset: ev.data.initialOffset,
              viewport: pendingMeta ? { width: pendingMeta.width, height: pendingMeta.height } : null,
              href: pendingMeta ? pendingMeta.href : RD.state.href,
              timestamp: ev.timestamp,
            });
            pendingMeta = null;
            break;
          case 3:
            applyIncremental(ev.data || {});
            break;
          default:
            break; // 0/1 page lifecycle, 5 custom, 6 plugin, 7 asset: nothing to paint
        }
      } catch (e) {
        warn('event failed (type ' + ev.type + ', source ' + (ev.data && ev.data.source) + ')', e);
      }
    }
    RD.flushDirtyStyles();
    RD.cursor.refreshHover();
    RD.cursor.prune();
  };

  /** What belongs to the page shown, saved when it is parked (renderer.js) and put back when
   * it returns: its mirror, side state, clock, frames waiting for documents, selection,
   * adopted sheets and <use> bookkeeping. */
  function savePage() {
    return {
      mirror: RD.mirror,
      scrolls: RD.state.scrolls,
      inputs: RD.state.inputs,
      canvases: RD.state.canvases,
      href: RD.state.href,
      viewport: RD.state.viewport,
      clock: RD.clock,
      parkedDocs: new Map(parkedDocs),
      selection: lastSelection,
      adoptions: new Map(RD.styles.adoptions),
      uses: S.savePage(),
    };
  }

  function restorePage(p) {
    RD.mirror = p.mirror;
    RD.state.scrolls = p.scrolls;
    RD.state.inputs = p.inputs;
    RD.state.canvases = p.canvases;
    RD.state.href = p.href;
    RD.clock = p.clock;
    parkedDocs.clear();
    for (const [k, v] of p.parkedDocs) parkedDocs.set(k, v);
    lastSelection = p.selection;
    RD.styles.resetPage();
    for (const [k, v] of p.adoptions) RD.styles.adoptions.set(k, v);
    S.restorePage(p.uses);
    RD.setViewport(p.viewport.width, p.viewport.height);
  }

  /** Build a FullSnapshot into a fresh content frame. With `opts.park` (a key), the page shown
   * is parked under it instead of dropped (renderer.js). */
  RD.load = function (opts) {
    const node = opts && opts.node;
    if (!node || node.type !== 0) throw new Error('load() needs a serialized Document');
    const parkKey = typeof opts.park === 'number' && RD.topDocument() ? opts.park : null;
    const saved = parkKey !== null ? savePage() : null;
    if (saved) RD.cursor.park();
    S.resetPage(); // <use> bookkeeping and budget reasons belong to one page
    if (opts.viewport && opts.viewport.width) RD.setViewport(opts.viewport.width, opts.viewport.height);
    if (opts.href) RD.state.href = opts.href;
    // new objects, not cleared ones: a parked page keeps its own
    RD.mirror = new RD.Mirror();
    parkedDocs.clear();
    RD.styles.resetPage();
    RD.state.scrolls = new Map();
    RD.state.inputs = new Map();
    RD.state.canvases = new Map();
    lastSelection = null;
    const at = typeof opts.timestamp === 'number' ? opts.timestamp : null;
    RD.clock = {
      loadedAt: at !== null ? at : RD.clock.loadedAt,
      now: at !== null ? at : RD.clock.now,
      inserted: new WeakMap(),
      touched: new WeakMap(),
    };
    const frame = RD.newContentFrame(parkKey, saved);
    const doc = frame.contentDocument;
    const ctx = RD.newContext();
    RD.buildDocument(doc, node, RD.mirror, ctx);
    RD.finishContext(ctx, RD.mirror);
    const off = opts.initialOffset || {};
    RD.state.scrolls.set(node.id, { x: off.left || 0, y: off.top || 0 });
    RD.restoreScrolls();
    RD.cursor.pageLoaded();
  };

  /** Re-key the nodes kept under new ids (flat [old, new, ...] pairs), and the side state
   * keyed by them. All old ids are looked up before any is set: a rename may take an id another
   * node is giving up. */
  function renumber(pairs) {
    const m = RD.mirror;
    const moved = [];
    const map = new Map();
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const node = m.get(pairs[i]);
      map.set(pairs[i], pairs[i + 1]);
      if (node) moved.push([pairs[i], node, pairs[i + 1]]);
    }
    for (const [old, node] of moved) if (m.nodes.get(old) === node) m.nodes.delete(old);
    for (const [, node, id] of moved) m.set(id, node);
    for (const key of ['scrolls', 'inputs', 'canvases']) {
      const before = RD.state[key];
      const after = new Map();
      for (const [id, v] of before) after.set(map.has(id) ? map.get(id) : id, v);
      RD.state[key] = after;
    }
    const adopted = RD.styles.adoptions; // documents and shadow hosts -> their sheets
    const entries = Array.from(adopted);
    adopted.clear();
    for (const [id, v] of entries) adopted.set(map.has(id) ? map.get(id) : id, v);
  }

  /**
   * Turn the page shown into another moment of the same address without a build (replay/diff.py):
   * {blur: the id focused on the page shown (a build has none; the moment's own focus is
   * replayed after), removes: [rrweb removes, by the ids shown], renames: [old, new, ...], rebase: page
   * start of another visit (the clock is reset as a build resets it), event: the rest as one
   * Mutation, viewport: {width, height} of a recorded resize, swap: {park: key or null, show:
   * key}: first show the page parked under `show` (renderer.js), parking the one shown}.
   */
  RD.patchPage = function (p) {
    if (p.swap) {
      // the patch is onto a parked page: park the page shown (when Qt keeps it) and show that one
      const parkKey = typeof p.swap.park === 'number' ? p.swap.park : null;
      const saved = savePage();
      const page = RD.swapContentFrame(parkKey, saved, p.swap.show);
      if (!page) {
        // Qt and the page disagree on what is parked: never patch the wrong page
        RD.budget.exceed('the page to return to was no longer kept');
        return;
      }
      RD.cursor.park(); // the page left keeps no :hover / :focus classes (the lists name its elements)
      restorePage(page);
      RD.cursor.pageLoaded();
    }
    const ts = p.event && typeof p.event.timestamp === 'number' ? p.event.timestamp : RD.clock.now;
    if (p.viewport) RD.setViewport(p.viewport.width, p.viewport.height);
    if (typeof p.blur === 'number') {
      RD.applyEvents([{ type: 3, timestamp: ts, data: { source: 2, type: 6, id: p.blur } }]);
    }
    for (const r of p.removes || []) removeNode(r.id, true);
    if (p.renames && p.renames.length) renumber(p.renames);
    if (typeof p.rebase === 'number') {
      RD.clock.inserted = new WeakMap();
      RD.clock.touched = new WeakMap();
      RD.clock.loadedAt = p.rebase;
      RD.clock.now = p.rebase;
      RD.cursor.pageLoaded();
    }
    if (p.event) RD.applyEvents([p.event]);
  };

  RD.restoreScrolls = function () {
    for (const [id, s] of RD.state.scrolls) scrollNode(id, s.x, s.y);
  };
  RD.restoreInputs = function () {
    for (const [id, s] of RD.state.inputs) setInput(id, s.text, s.isChecked);
  };
  RD.restoreSelection = paintSelection;

  /**
   * Restore side state after a seek from a checkpoint: {scrolls:{id:{x,y}}, inputs:{id:{text,
   * isChecked}}, canvases:{id:dataURL}, mouse:{x,y,id}, hover:id, selection:[ranges]}.
   */
  RD.setState = function (s) {
    s = s || {};
    for (const [id, v] of Object.entries(s.scrolls || {})) RD.state.scrolls.set(+id, { x: +v.x || 0, y: +v.y || 0 });
    for (const [id, v] of Object.entries(s.inputs || {})) RD.state.inputs.set(+id, { text: v.text, isChecked: v.isChecked });
    for (const [id, url] of Object.entries(s.canvases || {})) {
      const c = RD.mirror.get(+id);
      if (c && c.localName === 'canvas') RD.drawCanvasImage(c, url, true);
    }
    if (s.selection) lastSelection = s.selection;
    RD.restoreInputs();
    RD.restoreScrolls();
    paintSelection();
    if (s.mouse) RD.cursor.setPointer(s.mouse);
    if (s.hover !== undefined && s.hover !== null) RD.cursor.hoverId(+s.hover);
    RD.cursor.refreshHover();
  };
})(window);
