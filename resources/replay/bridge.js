/*
 * bridge.js — the outer page's only channel to Python: a minimal client for Qt's QWebChannel
 * protocol, talking to exactly one object with one JSON slot `call(str) -> str`.
 *
 * Trust boundary: exists only in the trusted outer page; no recorded value is ever sent (only
 * "ready", frame tokens and our own budget reasons). Python validates every call anyway.
 *
 * Why our own client instead of qwebchannel.js: we ship no third-party JS and need just two
 * message types (init, invoke). The transport `qt.webChannelTransport` exists only in this trusted
 * outer page; the recorded page lives in a sandboxed frame without scripts and never sees it.
 * Messages are JSON objects {kind, ...}; Python counts and validates every call.
 */
'use strict';
(function (global) {
  const RD = (global.RD = global.RD || {});

  const T_INIT = 3, T_IDLE = 4, T_INVOKE = 6, T_RESPONSE = 10;
  const OBJECT = 'rdBridge';
  let transport = null;
  let methodIndex = null;
  let nextId = 1;
  const waiting = new Map();
  const queued = [];

  function onMessage(message) {
    let data = message && message.data;
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch (e) {
        return;
      }
    }
    if (!data || data.type !== T_RESPONSE) return;
    const cb = waiting.get(data.id);
    if (cb) {
      waiting.delete(data.id);
      cb(data.data);
    }
  }

  function send(obj) {
    transport.send(JSON.stringify(obj));
  }

  function request(obj, cb) {
    const id = nextId++;
    obj.id = id;
    waiting.set(id, cb);
    send(obj);
  }

  function connect() {
    const qt = global.qt;
    if (!qt || !qt.webChannelTransport) return false;
    transport = qt.webChannelTransport;
    transport.onmessage = onMessage;
    request({ type: T_INIT }, (objects) => {
      const info = objects && objects[OBJECT];
      if (!info) {
        console.error('replay bridge: object missing');
        return;
      }
      for (const m of info.methods || []) {
        if (m[0] === 'call' || m[0] === 'call(QString)') {
          methodIndex = m[1];
          break;
        }
      }
      send({ type: T_IDLE });
      while (queued.length) post(queued.shift());
    });
    return true;
  }

  /** Send one JSON message to Python (queued until the channel is initialised). */
  function post(msg) {
    if (methodIndex === null) {
      queued.push(msg);
      return;
    }
    request({ type: T_INVOKE, object: OBJECT, method: methodIndex, args: [JSON.stringify(msg)] }, () => {});
  }

  RD.bridge = {
    connect,
    post,
    get connected() {
      return methodIndex !== null;
    },
  };
})(window);
