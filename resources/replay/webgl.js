/*
 * webgl.js — replay of recorded WebGL / WebGL2 command streams (rrweb CanvasMutation type 1/2)
 * without scripts in the content frame.
 *
 * Trust boundary: runs in the trusted outer page; the recorded commands, their arguments and
 * shader sources are untrusted. Only methods of the WebGL context prototype run, by name, on a
 * context that belongs to this page (an OffscreenCanvas), never on anything of the recorded
 * document; arguments are plain values, typed arrays, images that pass the URL policy (shared
 * deserializer of canvas.js) or WebGL objects this replay created itself. Command budgets are
 * the 2D canvas ones (RD.budget.canvasCommands).
 *
 * Why: rrweb replays WebGL by running the commands in the recorded page (UNSAFE_replayCanvas,
 * which needs `allow-scripts`), and our frame never runs scripts, so WebGL canvases stayed
 * white. Here every recorded canvas gets its own WebGL context in the trusted page, driven like
 * rrweb's webgl replay (WebGL objects are referred to by an index into a per-type list, in
 * creation order), and after each batch the drawing buffer is copied into the mirrored canvas's
 * 2D bitmap, which canvas.js already shows (as the element's background) and caches per history.
 * The profile keeps WebGL off for documents (WebGLEnabled=False); only an OffscreenCanvas of this
 * page draws, on SwiftShader when Chromium runs without a GPU (see docs/fidelity.md).
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});
  const LIMITS = RD.sanitize.LIMITS;

  // canvas -> {gl, kind, vars: Map(type name -> [objects])}
  const contexts = new WeakMap();
  // live contexts, oldest first: Chromium keeps only 16 per renderer and drops the oldest
  // itself. We free those of canvases that left the page (a seek builds a new frame) first, and
  // only then the oldest (a lost context keeps the pixels its canvas last showed)
  const live = [];
  const LIVE_MAX = 12;
  let unavailable = false;

  const METHODS = {
    1: typeof WebGLRenderingContext === 'function' ? memberNames(WebGLRenderingContext.prototype) : new Set(),
    2: typeof WebGL2RenderingContext === 'function' ? memberNames(WebGL2RenderingContext.prototype) : new Set(),
  };
  // the only assignable members of a WebGL context (colour management)
  const SETTERS = new Set(['drawingBufferColorSpace', 'unpackColorSpace']);
  // calls that change the drawing buffer: only a batch with one of these is copied out, so a
  // recording that starts after the context was set up keeps its snapshot image (rr_dataURL)
  const DRAWS = new Set(['clear', 'drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced',
    'drawRangeElements', 'drawArraysInstancedANGLE', 'drawElementsInstancedANGLE', 'drawBuffers', 'blitFramebuffer',
    'clearBufferfv', 'clearBufferiv', 'clearBufferuiv', 'clearBufferfi']);

  function memberNames(proto) {
    const out = new Set();
    for (const n of Object.getOwnPropertyNames(proto)) {
      if (n === 'constructor' || n === 'canvas') continue;
      const d = Object.getOwnPropertyDescriptor(proto, n);
      if (d && typeof d.value === 'function') out.add(n);
    }
    return out;
  }

  /** The replay context of a recorded canvas (made on first use), or null without WebGL. */
  function contextFor(canvas, kind) {
    let st = contexts.get(canvas);
    const w = Math.max(1, canvas.width | 0), h = Math.max(1, canvas.height | 0);
    if (st && st.kind === kind && !st.gl.isContextLost()) {
      if (st.gl.canvas.width !== w || st.gl.canvas.height !== h) {
        st.gl.canvas.width = w; // as on the live canvas: a resize keeps the GL state, clears the buffer
        st.gl.canvas.height = h;
      }
      return st;
    }
    if (unavailable || typeof OffscreenCanvas !== 'function' || w * h > LIMITS.canvasPixels) return null;
    const off = new OffscreenCanvas(w, h);
    let gl = null;
    try {
      gl = off.getContext(kind === 2 ? 'webgl2' : 'webgl', { preserveDrawingBuffer: true });
    } catch (e) {}
    if (!gl) {
      unavailable = true; // no WebGL in this engine (e.g. started with --disable-gpu alone)
      RD.warn('WebGL canvases are not replayed: this engine has no WebGL');
      return null;
    }
    st = { gl, kind, vars: new Map(), canvas: new WeakRef(canvas) };
    contexts.set(canvas, st);
    for (let i = live.length - 1; i >= 0; i--) {
      const c = live[i].canvas.deref();
      if (!c || !c.isConnected) lose(live.splice(i, 1)[0]);
    }
    live.push(st);
    while (live.length > LIVE_MAX) lose(live.shift());
    return st;
  }

  function lose(st) {
    try {
      const ext = st.gl.getExtension('WEBGL_lose_context');
      if (ext) ext.loseContext();
    } catch (e) {}
  }

  function varList(st, name) {
    let list = st.vars.get(name);
    if (!list) st.vars.set(name, (list = []));
    return list;
  }

  // WebGL object types rrweb serializes as {rr_type, index}
  const GL_OBJECT = /^WebGL(Buffer|Framebuffer|Program|Renderbuffer|Shader|Texture|UniformLocation|Query|Sampler|Sync|TransformFeedback|VertexArrayObject|ActiveInfo|ShaderPrecisionFormat)$|^WebGLVertexArrayObjectOES$/;

  /** Replace WebGL object references by the objects this replay created (null if unknown). */
  function resolveObjects(st, arg) {
    if (arg === null || typeof arg !== 'object') return arg;
    if (Array.isArray(arg)) return arg.map((a) => resolveObjects(st, a));
    if (typeof arg.rr_type === 'string' && GL_OBJECT.test(arg.rr_type) && Number.isInteger(arg.index)) {
      return varList(st, arg.rr_type)[arg.index] || null;
    }
    return arg;
  }

  /** Remember a returned WebGL object under its type, in creation order (rrweb's indices). */
  function saveResult(st, result) {
    if (!result || typeof result !== 'object') return;
    const name = result.constructor && result.constructor.name;
    if (!name || !GL_OBJECT.test(name)) return;
    const list = varList(st, name);
    if (!list.includes(result)) list.push(result);
  }

  /**
   * Run one batch of recorded WebGL commands for `canvas` (queued with its 2D work, so order
   * holds across image decodes) and copy the drawing buffer into the canvas's 2D bitmap.
   * Returns false when the batch cannot run here (no WebGL).
   */
  RD.applyWebGL = function (canvas, kind, commands) {
    const names = METHODS[kind];
    if (!names || !names.size) return false;
    RD.canvasQueue(canvas, async () => {
      const st = contextFor(canvas, kind);
      if (!st) return;
      const gl = st.gl;
      let drew = false;
      for (const c of commands) {
        if (!c || typeof c.property !== 'string') continue;
        const asyncs = [];
        let args = RD.deserializeCanvasArg(c.args || [], gl, asyncs);
        if (asyncs.length) await Promise.allSettled(asyncs);
        args = resolveObjects(st, RD.resolveCanvasHolders(args));
        try {
          if (c.setter) {
            if (SETTERS.has(c.property)) gl[c.property] = args[0];
          } else if (names.has(c.property)) {
            saveResult(st, gl[c.property](...args));
            if (DRAWS.has(c.property)) drew = true;
          }
        } catch (e) {
          /* a bad argument (e.g. an image that was blocked): WebGL reports it, the replay goes on */
        }
      }
      // the pixels depend on the whole command history (GL state), so every batch extends it
      const ctx = drew ? canvas.getContext('2d') : null;
      if (ctx) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(gl.canvas, 0, 0);
      }
      RD.canvasDrawn(canvas, kind + ':' + JSON.stringify(commands), !!ctx);
    });
    return true;
  };
})(window);
