/*
 * canvas.js — canvas replay without scripts in the content frame.
 *
 * Trust boundary: runs in the trusted outer page; recorded canvas commands, their arguments and
 * image URLs are untrusted. Only CanvasRenderingContext2D members run, image sources pass the
 * URL policy of RD.sanitize, and budgets (canvas pixels, commands per page) are enforced here
 * and in sanitize.js. Styles are written only through RD.sanitize.setStyle.
 *
 * Why: rrweb needs `allow-scripts` to replay canvases (UNSAFE_replayCanvas). We instead run the
 * recorded 2D commands from the trusted outer page on the frame's <canvas> elements (their 2D
 * context is reachable from here because the frame is same-origin), keep command order across
 * async image decodes with a per-canvas queue, and make the result visible: in a document without
 * scripting a canvas renders its fallback content, so its pixels are shown as the element's
 * background image and its intrinsic size is supplied where the page's CSS leaves it auto.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});
  const warn = (m, e) => RD.warn(m, e);
  const track = (p) => RD.track(p);
  const canvasQueues = new WeakMap();
  const S = RD.sanitize;
  const LIMITS = S.LIMITS;

  // Decoded images by source, least recently used first. A seek rebuilds every canvas from
  // its latest image (often the same data: URL as the seek before, and the snapshot tree names
  // it too), and decoding a data: URL costs 5-30 ms, so decodes are shared and kept (as
  // ImageBitmaps: pixels that stay decoded) up to DECODED_MAX_BYTES.
  const decoded = new Map(); // src -> {promise, bytes}
  const DECODED_MAX_BYTES = 32 * 1024 * 1024;
  let decodedBytes = 0;

  function decodeImage(src) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () =>
        img.naturalWidth * img.naturalHeight > LIMITS.canvasPixels
          ? reject(new Error('image too large (' + img.naturalWidth + 'x' + img.naturalHeight + ')'))
          : resolve(img);
      img.onerror = () => reject(new Error('image failed'));
      img.src = src;
    }).then((img) =>
      createImageBitmap(img).then(
        (bitmap) => bitmap,
        () => img // e.g. an SVG without a size: drawn from the element
      )
    );
  }

  function loadImage(src) {
    if (!RD.urlAllowed(src)) return Promise.reject(new Error('blocked image source'));
    let entry = decoded.get(src);
    if (entry) {
      decoded.delete(src); // most recently used goes last
      decoded.set(src, entry);
      return entry.promise;
    }
    entry = { promise: decodeImage(src), bytes: 0 };
    decoded.set(src, entry);
    entry.promise.then(
      (img) => {
        if (decoded.get(src) !== entry) return;
        entry.bytes = (img.width || 0) * (img.height || 0) * 4;
        decodedBytes += entry.bytes;
        for (const [key, old] of decoded) {
          if (decodedBytes <= DECODED_MAX_BYTES || old === entry) break;
          decoded.delete(key);
          decodedBytes -= old.bytes;
        }
      },
      () => decoded.get(src) === entry && decoded.delete(src)
    );
    return entry.promise;
  }

  /** Queue work on a canvas so async image decodes keep command order. */
  function canvasQueue(canvas, fn) {
    const prev = canvasQueues.get(canvas) || Promise.resolve();
    const next = prev
      .then(fn)
      .catch((e) => warn('canvas command failed', e))
      .then(() => (canvasQueues.get(canvas) === next ? showLatest(canvas) : null)); // last batch only
    canvasQueues.set(canvas, next);
    track(next);
    return next;
  }

  // A <canvas> in a document without scripting renders its fallback content, not its bitmap
  // (HTML spec), so the content frame would show every canvas blank. We keep drawing into the
  // real canvas (ids, sizes and later commands stay exact) and show its pixels as the element's
  // background image, encoded once per command batch.
  const canvasBoxes = new WeakMap(); // canvas -> {w, h}: the sizes we had to supply ourselves

  /**
   * Without scripting a canvas is laid out as a plain (non-replaced) element, losing the
   * intrinsic size its width/height attributes give it. Supply that size where the page's CSS
   * leaves width/height auto, and make an inline canvas an inline-block.
   */
  RD.fixCanvasBox = function (canvas) {
    if (!canvas.isConnected) return;
    const size = S.canvasSize(canvas); // the recorded size, also for a canvas over budget
    const W = size.width, H = size.height;
    let own = canvasBoxes.get(canvas);
    if (!own) {
      let m;
      try {
        m = canvas.computedStyleMap();
      } catch (e) {
        return;
      }
      const isAuto = (p) => String(m.get(p)) === 'auto';
      own = { w: isAuto('width'), h: isAuto('height'), inline: String(m.get('display')) === 'inline' };
      canvasBoxes.set(canvas, own);
    }
    const cs = canvas.ownerDocument.defaultView.getComputedStyle(canvas);
    const border = cs.boxSizing === 'border-box';
    const ex = border ? parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + parseFloat(cs.borderLeftWidth) + parseFloat(cs.borderRightWidth) : 0;
    const ey = border ? parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom) + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth) : 0;
    if (own.inline) S.setStyle(canvas, 'display', 'inline-block');
    if (own.w) S.setStyle(canvas, 'width', W + ex + 'px');
    if (own.h && own.w) S.setStyle(canvas, 'height', H + ey + 'px');
    else if (own.h && W > 0) S.setStyle(canvas, 'aspect-ratio', 'auto ' + W + ' / ' + H); // content box, like a replaced element
  };

  // canvas -> the data: URL its bitmap equals (restored from a snapshot or a seek, no command
  // drawn since): its bytes are shown as they are, skipping the read-back of showCanvas
  const plainImage = new WeakMap();

  function showLatest(canvas) {
    const url = plainImage.get(canvas);
    if (!url) return showCanvas(canvas);
    // shown through a blob: URL kept per canvas state: the engine caches decoded images by
    // URL, so showing the same state again skips the decode (data: URLs are decoded anew
    // every time, 5-15 ms per canvas)
    const key = historyKey(canvas);
    let shown = key && encoded.get(key);
    if (!shown) {
      const blob = dataUrlBlob(url);
      if (!blob) return showCanvas(canvas);
      shown = URL.createObjectURL(blob);
      if (key) remember(key, shown);
    }
    return showUrl(canvas, shown);
  }

  /** The bytes of a data: URL as a Blob (null if it is not one). */
  function dataUrlBlob(url) {
    const comma = url.indexOf(',');
    if (comma < 0 || !/^data:/i.test(url)) return null;
    const head = url.slice(5, comma);
    const type = head.split(';')[0] || 'text/plain';
    try {
      if (/;base64$/i.test(head)) return new Blob([b64ToBuffer(url.slice(comma + 1))], { type });
      return new Blob([decodeURIComponent(url.slice(comma + 1))], { type });
    } catch (e) {
      return null;
    }
  }

  function setBackground(canvas, url) {
    // url is one of our blob: URLs (or a data: image): the sanitiser's URL policy allows both
    S.setStyle(canvas, 'background-image', 'url("' + url + '")', 'important');
    S.setStyle(canvas, 'background-size', '100% 100%', 'important');
    S.setStyle(canvas, 'background-origin', 'content-box', 'important');
    S.setStyle(canvas, 'background-position', '0 0', 'important');
    S.setStyle(canvas, 'background-repeat', 'no-repeat', 'important');
  }

  // Decodes finish in any order (a small BMP can overtake an earlier, larger PNG), so only the
  // latest image asked for a canvas may become its background.
  const latestShown = new WeakMap(); // canvas -> url

  function showUrl(canvas, url) {
    latestShown.set(canvas, url);
    const img = new Image();
    img.src = url;
    return img
      .decode()
      .catch(() => {})
      .then(() => latestShown.get(canvas) === url && setBackground(canvas, url));
  }

  // What a canvas's pixels are made of (its snapshot image and every command batch since,
  // hashed), so a seek that rebuilds a canvas already shown before reuses its encoded image
  // instead of re-encoding (toBlob: ~10-40 ms per canvas). Equal history => equal pixels.
  const history = new WeakMap();
  const encoded = new Map(); // history key -> blob: URL, oldest first
  const ENCODED_MAX = 128;

  function fnv(str) {
    let h = 0x811c9dc5;
    for (let i = 0; i < str.length; i++) {
      h ^= str.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36) + '.' + str.length.toString(36);
  }

  /** The history key of the canvas's current pixels (null: unknown, e.g. resized since). */
  function historyKey(canvas) {
    const rec = history.get(canvas);
    return rec && rec.w === canvas.width && rec.h === canvas.height ? rec.key : null;
  }

  function extendHistory(canvas, part, reset) {
    // resizing a canvas clears it, so a size change also starts the history anew
    const base = (!reset && historyKey(canvas)) || 'blank';
    history.set(canvas, { key: fnv(base + '|' + canvas.width + 'x' + canvas.height + '|' + part), w: canvas.width, h: canvas.height });
  }

  function remember(key, url) {
    encoded.set(key, url);
    while (encoded.size > ENCODED_MAX) {
      const [oldKey, oldUrl] = encoded.entries().next().value;
      encoded.delete(oldKey);
      setTimeout(() => URL.revokeObjectURL(oldUrl), 5000);
    }
  }

  // BMP header for 32-bit RGBA rows as getImageData returns them: BITMAPV4HEADER, BI_BITFIELDS
  // with R, G, B, A masks in memory order, negative height (top-down rows). No pixel is touched
  // in JS and Blink decodes it with a copy, where toBlob's PNG encode costs 10-40 ms per canvas.
  function bmpHeader(w, h) {
    const buf = new ArrayBuffer(122);
    const v = new DataView(buf);
    v.setUint16(0, 0x4d42, true); // 'BM'
    v.setUint32(2, 122 + w * h * 4, true);
    v.setUint32(10, 122, true); // pixel data offset
    v.setUint32(14, 108, true); // BITMAPV4HEADER
    v.setInt32(18, w, true);
    v.setInt32(22, -h, true);
    v.setUint16(26, 1, true); // planes
    v.setUint16(28, 32, true); // bits per pixel
    v.setUint32(30, 3, true); // BI_BITFIELDS
    v.setUint32(34, w * h * 4, true);
    v.setUint32(38, 2835, true);
    v.setUint32(42, 2835, true);
    v.setUint32(54, 0x000000ff, true); // red
    v.setUint32(58, 0x0000ff00, true); // green
    v.setUint32(62, 0x00ff0000, true); // blue
    v.setUint32(66, 0xff000000, true); // alpha
    v.setUint32(70, 0x73524742, true); // LCS_sRGB
    return buf;
  }

  /** The canvas's pixels as an image blob, or null when it has none to show (fully transparent). */
  function canvasBlob(canvas) {
    const w = canvas.width, h = canvas.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const data = ctx.getImageData(0, 0, w, h).data;
    // a BMP whose alpha is zero everywhere is taken for a legacy opaque bitmap by decoders
    const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
    let seen = false;
    for (let i = 0; i < words.length; i++) if (words[i] & 0xff000000) { seen = true; break; }
    if (!seen) return null;
    return new Blob([bmpHeader(w, h), data], { type: 'image/bmp' });
  }

  function showCanvas(canvas) {
    if (!canvas.width || !canvas.height) return null;
    const key = historyKey(canvas);
    const known = key && encoded.get(key);
    if (known) return showUrl(canvas, known);
    let blob;
    try {
      blob = canvasBlob(canvas);
    } catch (e) {
      return warn('canvas read failed', e);
    }
    if (!blob) return clearBackground(canvas);
    const url = URL.createObjectURL(blob);
    if (key) remember(key, url);
    return showUrl(canvas, url);
  }

  function clearBackground(canvas) {
    latestShown.delete(canvas);
    canvas.style.removeProperty('background-image');
  }

  // shared with webgl.js, which draws WebGL batches into the same bitmaps
  RD.canvasQueue = canvasQueue;
  RD.deserializeCanvasArg = deserializeArg;
  RD.resolveCanvasHolders = resolveHolders;
  /** A batch of `part` (recorded commands) ran on the canvas; `drawn`: its bitmap changed. */
  RD.canvasDrawn = function (canvas, part, drawn) {
    if (drawn) plainImage.delete(canvas);
    extendHistory(canvas, 'gl:' + fnv(part), false);
  };

  RD.drawCanvasImage = function (canvas, dataURL, clear) {
    if (!dataURL || RD.schemeOf(dataURL) !== 'data') return;
    canvasQueue(canvas, () =>
      loadImage(dataURL).then((img) => {
        const ctx = canvas.getContext('2d');
        if (!ctx) return;
        if (clear) ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0);
        extendHistory(canvas, 'img:' + fnv(dataURL), clear);
        if (clear && img.width === canvas.width && img.height === canvas.height) plainImage.set(canvas, dataURL);
        else plainImage.delete(canvas);
      })
    );
  };

  const CTX2D_MEMBERS = new Set(
    Object.getOwnPropertyNames(CanvasRenderingContext2D.prototype).filter(
      (n) => n !== 'constructor' && n !== 'canvas' && n !== 'getContextAttributes'
    )
  );

  function b64ToBuffer(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  };

  const TYPED = {
    Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array, Uint8ClampedArray,
    Int16Array, Uint16Array, Int8Array,
  };

  /** Deserialize rrweb canvas arguments; images become promises resolved before drawing. */
  function deserializeArg(arg, ctx2d, asyncs) {
    if (arg === null || typeof arg !== 'object') return arg;
    if (Array.isArray(arg)) return arg.map((a) => deserializeArg(a, ctx2d, asyncs));
    const t = arg.rr_type;
    if (!t) return arg;
    if (t === 'ArrayBuffer') return b64ToBuffer(arg.base64 || '');
    if (TYPED[t]) return new TYPED[t](...(arg.args || []).map((a) => deserializeArg(a, ctx2d, asyncs)));
    if (t === 'DataView') return new DataView(...(arg.args || []).map((a) => deserializeArg(a, ctx2d, asyncs)));
    if (t === 'ImageData') {
      const [data, w, h] = (arg.args || []).map((a) => deserializeArg(a, ctx2d, asyncs));
      const arr = data instanceof Uint8ClampedArray ? data : new Uint8ClampedArray(data);
      return new ImageData(arr, w, h); // also for WebGL's texImage2D (webgl.js)
    }
    if (t === 'HTMLImageElement' || t === 'HTMLCanvasElement' || t === 'ImageBitmap' || t === 'Blob') {
      const holder = { value: null };
      let src = arg.src;
      if (t === 'ImageBitmap' || t === 'Blob') {
        const blobArg = t === 'Blob' ? arg : (arg.args || [])[0];
        if (blobArg && blobArg.rr_type === 'Blob') {
          const parts = (blobArg.data || []).map((d) => deserializeArg(d, ctx2d, asyncs));
          const blob = new Blob(parts, { type: blobArg.type || '' });
          asyncs.push(createImageBitmap(blob).then((b) => (holder.value = b)));
          return holder;
        }
      }
      if (typeof src === 'string') asyncs.push(loadImage(src).then((img) => (holder.value = img)));
      return holder;
    }
    return arg;
  }

  function resolveHolders(v) {
    if (Array.isArray(v)) return v.map(resolveHolders);
    if (v && typeof v === 'object' && 'value' in v && Object.keys(v).length === 1) return v.value;
    return v;
  }

  RD.applyCanvas = function (d) {
    const canvas = RD.mirror.get(d.id);
    if (!canvas || canvas.localName !== 'canvas') return;
    const kind = d.type === undefined ? 0 : d.type;
    if (kind !== 0 && kind !== 1 && kind !== 2) return;
    let commands = d.commands || [{ property: d.property, args: d.args, setter: d.setter }];
    if (!Array.isArray(commands)) return;
    const room = LIMITS.canvasCommands - RD.budget.canvasCommands;
    if (commands.length > room) {
      RD.budget.exceed('over ' + LIMITS.canvasCommands + ' canvas commands');
      commands = commands.slice(0, Math.max(0, room));
    }
    RD.budget.canvasCommands += commands.length;
    if (!commands.length) return;
    if (kind !== 0) return RD.applyWebGL(canvas, kind, commands); // webgl.js
    canvasQueue(canvas, async () => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      plainImage.delete(canvas); // drawn on: show the bitmap itself
      extendHistory(canvas, 'cmd:' + fnv(JSON.stringify(commands)), false);
      for (const c of commands) {
        if (!c || typeof c.property !== 'string' || !CTX2D_MEMBERS.has(c.property)) continue;
        const asyncs = [];
        let args = deserializeArg(c.args || [], ctx, asyncs);
        if (asyncs.length) await Promise.allSettled(asyncs);
        args = resolveHolders(args);
        try {
          if (c.setter) ctx[c.property] = args[0];
          else if (typeof ctx[c.property] === 'function') ctx[c.property](...args);
        } catch (e) {
          /* e.g. drawImage with a blocked source */
        }
      }
    });
  };

})(window);
