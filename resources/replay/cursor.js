/*
 * cursor.js — the pointer overlay (cursor, trail, click/tap ripples, touch point) and the
 * simulated :hover / :focus state of the recorded page.
 *
 * Trust boundary: runs in the trusted outer page; recorded positions and node ids are untrusted
 * numbers. It only moves our own overlay and toggles our own classes on recorded elements.
 *
 * Why: the content frame never receives real pointer or keyboard input (pointer-events: none,
 * no scripts), so interaction styling is simulated with classes that build.js's selector rewrite
 * (`a:hover` -> also `a.\:hover`) makes effective. Hover follows what the live browser does: the
 * element under the last pointer position *now* (after scrolls, layout changes and page loads)
 * is hovered, not just the element recorded with the move.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  const TRAIL_MS = 500;
  const RIPPLE_MS = 400;
  let pointer = null; // {x, y, doc} in the coordinates of `doc`'s viewport (drawn cursor)
  let hoverPtr = null; // {x, y, doc, id}: last mouse position, decides :hover
  let touchMode = false;
  let pinned = false; // hover set by id (a seek frame's state): holds until the mouse moves or presses
  let touchActive = false;
  let hovered = []; // elements carrying the :hover class
  let focused = null; // element carrying :focus
  let trail = [];
  let trailTimer = 0;

  const el = {};

  function overlay() {
    if (!el.cursor) {
      el.cursor = document.getElementById('rd-cursor');
      el.trail = document.getElementById('rd-trail');
    }
    return el;
  }

  function topOffsetOf(doc) {
    // position of `doc`'s viewport inside the top content document's viewport
    let x = 0, y = 0;
    let d = doc;
    const top = RD.topDocument();
    while (d && d !== top) {
      const fe = d.defaultView && d.defaultView.frameElement;
      if (!fe) break;
      const r = fe.getBoundingClientRect();
      x += r.left + fe.clientLeft;
      y += r.top + fe.clientTop;
      d = fe.ownerDocument;
    }
    return { x, y };
  }

  function placeCursor() {
    const o = overlay();
    if (!o.cursor || !pointer) return;
    const off = topOffsetOf(pointer.doc);
    o.cursor.style.transform = 'translate(' + (pointer.x + off.x) + 'px,' + (pointer.y + off.y) + 'px)';
    o.cursor.classList.toggle('rd-touch', touchMode);
    o.cursor.classList.toggle('rd-touch-active', touchActive);
    o.cursor.hidden = !RD.config.showCursor;
  }

  function drawTrail(now) {
    const o = overlay();
    if (!o.trail) return;
    const c = o.trail;
    const vw = RD.state.viewport.width, vh = RD.state.viewport.height;
    if (c.width !== vw || c.height !== vh) {
      c.width = vw;
      c.height = vh;
    }
    const g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    trail = trail.filter((p) => now - p.t < TRAIL_MS && RD.clock.now - p.rec < TRAIL_MS);
    if (!RD.config.showCursor || RD.config.headless || trail.length < 2) return;
    g.lineWidth = 3;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = 'rgba(230, 57, 70, 0.8)';
    g.beginPath();
    g.moveTo(trail[0].x, trail[0].y);
    for (const p of trail.slice(1)) g.lineTo(p.x, p.y);
    g.stroke();
  }

  function scheduleTrail() {
    if (trailTimer || RD.config.headless) return;
    const step = () => {
      drawTrail(performance.now());
      if (trail.length) trailTimer = requestAnimationFrame(step);
      else trailTimer = 0;
    };
    trailTimer = requestAnimationFrame(step);
  }

  function ripple(kind) {
    if (!RD.config.showCursor || !pointer) return;
    const o = overlay();
    const layer = document.getElementById('rd-overlay');
    if (!layer || !o.cursor) return;
    const off = topOffsetOf(pointer.doc);
    const r = document.createElement('div');
    r.className = 'rd-ripple ' + kind;
    r.dataset.rec = String(RD.clock.now);
    r.style.left = pointer.x + off.x + 'px';
    r.style.top = pointer.y + off.y + 'px';
    r.addEventListener('animationend', () => r.remove());
    layer.appendChild(r);
    if (RD.config.headless) r.remove();
  }

  // ------------------------------------------------------------------ hover

  function clearHover() {
    for (const h of hovered) h.classList && h.classList.remove(':hover');
    hovered = [];
  }

  /** Add :hover to `target` and every ancestor, through shadow roots and frame elements. */
  function setHoverChain(target) {
    clearHover();
    let n = target;
    while (n) {
      if (n.nodeType === 1) {
        n.classList.add(':hover');
        hovered.push(n);
      }
      if (n.parentNode) n = n.parentNode;
      else if (n.host) n = n.host; // shadow root -> host
      else if (n.nodeType === 9 && n.defaultView && n.defaultView.frameElement && n !== RD.topDocument())
        n = n.defaultView.frameElement;
      else n = null;
      if (n && n.nodeType === 9 && n === RD.topDocument()) break;
    }
  }

  /** Deepest element at (x, y) of `doc`, descending into shadow roots and our nested frames. */
  function deepHit(doc, x, y) {
    let el = null;
    try {
      el = doc.elementFromPoint(x, y);
    } catch (e) {
      return null;
    }
    let guard = 0;
    while (el && guard++ < 32) {
      if (el.shadowRoot) {
        const inner = el.shadowRoot.elementFromPoint(x, y);
        if (inner && inner !== el) {
          el = inner;
          continue;
        }
      }
      if (el.localName === 'iframe') {
        let d = null;
        try {
          d = el.contentDocument;
        } catch (e) {}
        if (d) {
          const r = el.getBoundingClientRect();
          const inner = d.elementFromPoint(x - r.left - el.clientLeft, y - r.top - el.clientTop);
          if (inner) {
            x = x - r.left - el.clientLeft;
            y = y - r.top - el.clientTop;
            el = inner;
            continue;
          }
        }
      }
      break;
    }
    return el;
  }

  /**
   * Mouse: like the live browser, hover whatever is under the pointer now (after scrolls and
   * layout changes). Touch: hover sticks to the element of the last tap and does not follow
   * scrolling.
   */
  function refreshHover() {
    applyFocusClasses();
    if (!hoverPtr) return clearHover();
    if (touchMode || pinned) {
      const n = RD.mirror.get(hoverPtr.id);
      if (n && n.nodeType === 1 && n.isConnected) setHoverChain(n);
      else clearHover();
      return;
    }
    if (!hoverPtr.doc || !hoverPtr.doc.defaultView) return clearHover();
    const target = deepHit(hoverPtr.doc, hoverPtr.x, hoverPtr.y);
    if (target) setHoverChain(target);
    else clearHover();
  }

  // ------------------------------------------------------------------ focus

  function setFocus(target) {
    clearFocus();
    if (!target || target.nodeType !== 1) return;
    focused = target;
    // :focus-visible heuristics of Chromium: text fields always, others only without a pointer
    // press just before (keyboard focus).
    // a pointer press/click within the last second (recorded time) means pointer focus
    const keyboard = RD.clock.now - lastPointerAt > POINTER_FOCUS_MS;
    focusVisible = RD.isTextField(target) || target.isContentEditable || keyboard;
    applyFocusClasses();
  }
  let focusVisible = false;

  /** (Re)apply the focus classes: a recorded `class` attribute mutation overwrites them. */
  function applyFocusClasses() {
    if (!focused || !focused.isConnected) return;
    focused.classList.add(':focus');
    if (focusVisible) focused.classList.add(':focus-visible');
    let n = focused;
    while (n) {
      if (n.nodeType === 1) n.classList.add(':focus-within');
      n = n.parentNode || n.host || null;
    }
  }
  let lastPointerAt = -Infinity;
  const POINTER_FOCUS_MS = 1000;

  function clearFocus() {
    if (!focused) return;
    let n = focused;
    focused.classList.remove(':focus', ':focus-visible');
    while (n) {
      if (n.nodeType === 1) n.classList.remove(':focus-within');
      n = n.parentNode || n.host || null;
    }
    focused = null;
  }

  // ------------------------------------------------------------------ API

  RD.cursor = {
    /** MouseMove / TouchMove / Drag positions (already in time order). */
    moves(positions, isTouch) {
      if (isTouch) touchMode = true;
      for (const p of positions) {
        const n = RD.mirror.get(p.id);
        if (!n) continue; // rrweb drops positions whose node is unknown
        const doc = n.nodeType === 9 ? n : n.ownerDocument;
        pointer = { x: p.x, y: p.y, doc };
        // Touch drags never hover; mouse moves (also the ones browsers synthesize for a tap) do.
        if (!isTouch) {
          hoverPtr = { x: p.x, y: p.y, doc, id: p.id };
          pinned = false;
        }
        const off = topOffsetOf(doc);
        trail.push({ x: p.x + off.x, y: p.y + off.y, t: performance.now(), rec: RD.clock.now });
      }
      placeCursor();
      scheduleTrail();
    },
    interaction(d) {
      const n = RD.mirror.get(d.id);
      if (typeof d.x === 'number' && typeof d.y === 'number' && n) {
        const doc = n.nodeType === 9 ? n : n.ownerDocument;
        pointer = { x: d.x, y: d.y, doc };
        const touchy = d.type === 7 || d.type === 9 || d.type === 10 || d.pointerType === 2;
        if (!touchy && !touchMode) {
          hoverPtr = { x: d.x, y: d.y, doc, id: d.id };
          pinned = false;
        }
      }
      if (d.type === 9) touchActive = false;
      switch (d.type) {
        case 0: // MouseUp
        case 1: // MouseDown
        case 9: // TouchEnd
          lastPointerAt = RD.clock.now;
          break;
        case 2: // Click
        case 4: // DblClick
          lastPointerAt = RD.clock.now;
          ripple(touchMode ? 'rd-tap' : 'rd-click');
          break;
        case 5: // Focus
          if (n) setFocus(n);
          break;
        case 6: // Blur
          if (n && n === focused) clearFocus();
          break;
        case 7: // TouchStart
          touchMode = true;
          touchActive = true;
          lastPointerAt = RD.clock.now;
          trail = [];
          ripple('rd-tap');
          break;
        case 10: // TouchCancel
          touchActive = false;
          break;
        default:
          break;
      }
      placeCursor();
    },
    /** The page shown is parked (kept for a later seek): it keeps no :hover or :focus
     * classes, so that it comes back as a fresh build would (the frame shown then sets them). */
    park() {
      clearHover();
      clearFocus();
    },
    /** A new page (FullSnapshot): the pointer stays where it was, in the new top document. */
    pageLoaded() {
      hovered = [];
      focused = null;
      const top = RD.topDocument();
      if (pointer) pointer = { x: pointer.x, y: pointer.y, doc: top };
      // The mouse stays where it was across a navigation; touch hover does not carry over.
      // A hover pinned by id has no position to carry.
      if (hoverPtr && !touchMode && !pinned) hoverPtr = { x: hoverPtr.x, y: hoverPtr.y, doc: top, id: -1 };
      else hoverPtr = null;
      pinned = false;
      placeCursor();
    },
    setPointer(m) {
      const n = m.id !== undefined ? RD.mirror.get(m.id) : null;
      const doc = n ? (n.nodeType === 9 ? n : n.ownerDocument) : RD.topDocument();
      pointer = { x: +m.x || 0, y: +m.y || 0, doc };
      if (m.touch) touchMode = true;
      else hoverPtr = { x: pointer.x, y: pointer.y, doc, id: m.id !== undefined ? +m.id : -1 };
      placeCursor();
    },
    hoverId(id) {
      const n = RD.mirror.get(id);
      if (n && n.nodeType === 1) {
        setHoverChain(n);
        hoverPtr = { x: 0, y: 0, doc: n.ownerDocument, id };
        // an explicit hover target wins over hit-testing, until the mouse moves or presses: not
        // touch mode, which would keep a desktop recording's later clicks from moving :hover
        pinned = true;
      }
    },
    refreshHover,
    /**
     * After a batch: forget trail points and ripples older than the trail duration in recorded
     * time, so a seek (many events applied at once) does not draw the whole history.
     */
    prune() {
      trail = trail.filter((p) => RD.clock.now - p.rec < TRAIL_MS);
      for (const r of document.querySelectorAll('.rd-ripple')) {
        if (RD.clock.now - Number(r.dataset.rec) > RIPPLE_MS) r.remove();
      }
      drawTrail(performance.now());
    },
    get pointer() {
      return pointer;
    },
  };

  function topOffsetOfSafe(doc) {
    try {
      return doc && doc.defaultView ? topOffsetOf(doc) : { x: 0, y: 0 };
    } catch (e) {
      return { x: 0, y: 0 };
    }
  }
})(window);
