"""Hostile recordings must never execute, fetch, navigate or reach the Python bridge.

Each vector of ``hostile.py`` is replayed on its own (and all together); afterwards we check for
the markers a payload would leave, for any request that left our scheme/data:/blob:, for denied
navigations, for bridge calls other than "ready"/"frame", and for dangerous markup in the DOM.
"""

from __future__ import annotations

import pytest

from hostile import VECTORS, recording
from qt_helpers import capture, headless_view, js, renderer_problems, show_moment, wait_ready
from replaydesk.ui.replay.scheme import RENDERER_URL
from replaydesk.ui.replay.view import ReplayView

FORBIDDEN_SCHEMES = {"http", "https", "ws", "wss", "ftp", "file"}

STATE_PROBE = r"""
  const out = {title: document.title, outerPwned: Object.keys(window).filter(k => k.startsWith('__pwned')),
               allowWebAssets: RD.config.allowWebAssets, docs: [], bad: []};
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'srcdoc',
                    'background', 'srcset', 'ping', 'codebase', 'manifest', 'xml:base'];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.localName;
      if (tag === 'script' || tag === 'base' || tag === 'object' || tag === 'embed' || tag === 'applet' ||
          tag === 'frame' || tag === 'portal') out.bad.push('tag ' + tag);
      if (tag === 'meta' && el.hasAttribute('http-equiv')) out.bad.push('meta http-equiv');
      if (tag === 'iframe' && (el.hasAttribute('src') || el.hasAttribute('srcdoc'))) out.bad.push('iframe attrs');
      if (tag === 'iframe' && el.getAttribute('sandbox') !== 'allow-same-origin') out.bad.push('iframe sandbox');
      if (tag === 'link' && el.hasAttribute('href')) out.bad.push('live link ' + el.getAttribute('href'));
      if (tag === 'handler' || tag === 'listener') out.bad.push('tag ' + tag);
      if (/^(set|animate|animateMotion|animateTransform|animateColor)$/.test(tag) &&
          /href|src|style|^on/i.test(el.getAttribute('attributeName') || '')) out.bad.push('SMIL on ' + el.getAttribute('attributeName'));
      if (tag === 'use' && (el.getAttribute('href') || el.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '#')[0] !== '#')
        out.bad.push('external use');
      for (const a of el.attributes) {
        const n = a.name.toLowerCase();
        // how the URL parser reads it: no TAB/LF/CR anywhere, no controls or spaces around
        const v = a.value.replace(/[\u0000-\u0020]/g, '');
        if (n.startsWith('on')) out.bad.push('handler ' + n + ' on ' + tag);
        if (n === 'autofocus' || n === 'attributionsrc' || n === 'ping') out.bad.push(n);
        if (!n.startsWith('data-rd-') && /(javascript|vbscript):/i.test(v) && !(n === 'title'))
          out.bad.push('script URL in ' + n + ' on ' + tag);
        if (urlAttrs.includes(n) && /^(javascript|vbscript|https?|ftp|file|ws)/i.test(v) &&
            !(tag === 'a' && /^https?:/i.test(v))) out.bad.push(n + '=' + a.value.slice(0, 40) + ' on ' + tag);
        if (!n.startsWith('data-rd-') && /evil\.test/i.test(v) && !(tag === 'a' && n === 'href') &&
            !(tag === 'meta' && n === 'content'))  // inert without http-equiv
          out.bad.push('remote reference in ' + n + ' on ' + tag + ': ' + a.value.slice(0, 60));
      }
      if (el.shadowRoot) visit(el.shadowRoot);
      if (tag === 'iframe' && el.contentDocument) walkDoc(el.contentDocument);
      if (tag === 'template') visit(el.content);
    }
  };
  const sheetText = (sheet) => { try { return Array.from(sheet.cssRules, r => r.cssText).join('\n'); } catch (e) { return ''; } };
  const walkDoc = (d) => {
    const w = d.defaultView;
    out.docs.push({title: d.title, url: d.URL, pwned: w ? Object.keys(w).filter(k => k.startsWith('__pwned')) : []});
    visit(d);
    for (const sheet of [...d.styleSheets, ...(d.adoptedStyleSheets || [])]) {
      const t = sheetText(sheet);
      if (/evil\.test/.test(t)) out.bad.push('remote URL in a style sheet: ' + t.match(/.{0,40}evil\.test.{0,20}/)[0]);
    }
  };
  if (RD.topDocument()) walkDoc(RD.topDocument());
  return out;
"""


@pytest.fixture(scope="module")
def view(qapp):
    with headless_view(qapp, 800, 600, show_cursor=True) as v:
        yield v


@pytest.fixture
def fresh(view, qtbot):
    wait_ready(qtbot, view)
    view.interceptor.requests.clear()
    view.page().denied_navigations.clear()
    return view


def assert_clean(qtbot, view, *, allow_dom_urls: bool = False, sandboxed: bool = True):
    state = js(qtbot, view, STATE_PROBE)
    if not sandboxed:  # the weakened test build: recorded iframes get no sandbox attribute
        state["bad"] = [b for b in state["bad"] if b != "iframe sandbox"]
    assert state["title"] == "ReplayDesk renderer"
    assert state["outerPwned"] == []
    assert state["allowWebAssets"] is False
    for d in state["docs"]:
        assert d["pwned"] == [], d
        assert d["title"] != "PWNED"
        # document.open() gives content documents the renderer's URL; never a recorded one
        assert d["url"] in ("about:blank", RENDERER_URL), d
    if not allow_dom_urls:
        assert state["bad"] == []
    leaked = [r for r in view.interceptor.requests if r.scheme in FORBIDDEN_SCHEMES or r.scheme not in ("replaydesk", "data", "blob")]
    assert leaked == [], leaked
    assert list(view.page().denied_navigations) == []
    assert view.page().url().toString() == RENDERER_URL
    assert set(view.bridge_calls) <= {"ready", "frame"}, view.bridge_calls
    assert view.bridge_calls["rejected"] == 0
    assert renderer_problems(view) == []  # hostile input never crashes the renderer
    return state


def test_vector_count():
    assert len(VECTORS) >= 15


@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_hostile_vector_is_inert(qtbot, fresh, vector):
    events = recording([vector])
    img = show_moment(qtbot, fresh, events, 10_000)
    assert img.width() == 800 and img.height() == 600
    assert_clean(qtbot, fresh)


def test_all_vectors_together(qtbot, fresh):
    img = show_moment(qtbot, fresh, recording(), 10_000)
    assert not img.isNull()
    state = assert_clean(qtbot, fresh)
    assert len(state["docs"]) >= 2  # the attached iframe document was built (and is inert)


def test_blocked_image_keeps_a_neutral_box(qtbot, fresh):
    show_moment(qtbot, fresh, recording(["img_network"]), 10_000)
    box = js(qtbot, fresh, """
      const img = RD.topDocument().querySelector('img[alt="blocked"]');
      const r = img.getBoundingClientRect();
      return {w: r.width, h: r.height, bg: getComputedStyle(img).backgroundColor, src: img.getAttribute('src')};
    """)
    assert (box["w"], box["h"]) == (40, 30)
    assert box["src"].startswith("data:image/gif")
    assert box["bg"] == "rgb(233, 236, 239)"


def test_sandbox_and_csp_hold_without_the_sanitiser(qtbot, fresh):
    """Defence in depth: markup injected raw into the content frame still cannot run or fetch."""
    show_moment(qtbot, fresh, recording(["meta_refresh"]), 10_000)
    fresh.run_javascript(r"""
      (() => {
        const d = RD.topDocument();
        const s = d.createElement('script'); s.textContent = 'window.__pwned_raw = 1; parent.__pwned_raw = 1;';
        d.body.appendChild(s);
        const i = d.createElement('img'); i.setAttribute('onerror', 'parent.__pwned_raw_onerror = 1'); i.src = 'data:,x';
        d.body.appendChild(i);
        const f = d.createElement('iframe'); f.srcdoc = '<script>parent.parent.__pwned_raw_srcdoc = 1<\/script>';
        d.body.appendChild(f);
        const im = d.createElement('img'); im.src = 'http://evil.test/raw.png'; d.body.appendChild(im);
        const l = d.createElement('link'); l.rel = 'stylesheet'; l.href = 'http://evil.test/raw.css'; d.head.appendChild(l);
        const st = d.createElement('style'); st.textContent = '@import url(http://evil.test/raw-import.css); body{background:url(http://evil.test/raw-bg.png)}';
        d.head.appendChild(st);
        const m = d.createElement('meta'); m.httpEquiv = 'refresh'; m.content = '0;url=http://evil.test/raw-refresh';
        d.head.appendChild(m);
        const form = d.createElement('form'); form.action = 'http://evil.test/raw-post'; form.method = 'post';
        d.body.appendChild(form);
        try { form.requestSubmit(); } catch (e) {}
        try { form.submit(); } catch (e) {}
      })()
    """)
    capture(qtbot, fresh)
    state = js(qtbot, fresh, STATE_PROBE)
    assert state["outerPwned"] == []
    assert all(d["pwned"] == [] for d in state["docs"])
    # the content CSP (img/style/frame/form sources) stops these before any request is made
    assert [r for r in fresh.interceptor.requests if r.scheme in FORBIDDEN_SCHEMES] == []
    assert fresh.page().url().toString() == RENDERER_URL
    assert set(fresh.bridge_calls) <= {"ready", "frame"}


def test_web_assets_setting_allows_only_http_assets(qtbot, qapp):
    view = ReplayView(headless=True, allow_web_assets=True)
    try:
        view.resize(400, 301)
        view.show()
        wait_ready(qtbot, view)
        assert view.allowWebAssets is True
        events = recording(["img_network", "iframe_srcdoc_src", "link_prefetch_preload", "inline_script"], 400, 300)
        show_moment(qtbot, view, events, 10_000)
        # only images/media/stylesheets may go out, and they do go through the interceptor
        qtbot.waitUntil(lambda: any(r.url.endswith("/img.png") for r in view.interceptor.requests), timeout=10000)
        for r in view.interceptor.requests:
            if r.scheme in ("http", "https"):
                assert r.resource_type in {"ResourceTypeImage", "ResourceTypeMedia", "ResourceTypeStylesheet",
                                           "ResourceTypeFontResource"} or r.blocked, r
        assert not any("frame.html" in r.url or "prefetch" in r.url or "preload" in r.url or "beacon" in r.url
                       for r in view.interceptor.requests)
        assert list(view.page().denied_navigations) == []
        assert set(view.bridge_calls) <= {"ready", "frame"}
    finally:
        view.close()
        view.deleteLater()
        qapp.processEvents()


def test_interceptor_policy_matrix(qapp):
    from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo as Info

    from replaydesk.ui.replay.interceptor import ReplayRequestInterceptor

    rt = Info.ResourceType
    off = ReplayRequestInterceptor(allow_web_assets=False)
    on = ReplayRequestInterceptor(allow_web_assets=True)
    for i in (off, on):
        assert i._allowed("replaydesk", "renderer", rt.ResourceTypeScript)
        assert not i._allowed("replaydesk", "renderer", rt.ResourceTypeImage)
        assert not i._allowed("replaydesk", "elsewhere", rt.ResourceTypeScript)
        assert i._allowed("data", "", rt.ResourceTypeImage)
        assert i._allowed("blob", "", rt.ResourceTypeImage)
        for scheme in ("file", "ftp", "ws", "wss", "qrc", "chrome", "javascript", "about"):
            assert not i._allowed(scheme, "", rt.ResourceTypeImage), scheme
        for t in (rt.ResourceTypeScript, rt.ResourceTypeSubFrame, rt.ResourceTypeMainFrame, rt.ResourceTypeXhr,
                  rt.ResourceTypePing, rt.ResourceTypePrefetch, rt.ResourceTypeWorker, rt.ResourceTypeObject):
            assert not i._allowed("https", "evil.test", t), t
    assert not off._allowed("https", "evil.test", rt.ResourceTypeImage)
    assert on._allowed("https", "cdn.example", rt.ResourceTypeImage)
    assert on._allowed("http", "cdn.example", rt.ResourceTypeStylesheet)
    assert on._allowed("https", "cdn.example", rt.ResourceTypeFontResource)
    off.deleteLater()
    on.deleteLater()


@pytest.mark.qt_log_ignore("Cannot invoke non-public method.*")  # the payload's forged bridge call
def test_positive_control_markers_are_detectable(qtbot, qapp):
    """The probes are not vacuous: the same payload run in the trusted page *is* detected."""
    from hostile import payload

    view = ReplayView(headless=True)
    try:
        view.resize(200, 101)
        view.show()
        wait_ready(qtbot, view)
        view.run_javascript(payload("control"))
        qtbot.waitUntil(lambda: view.bridge_calls["rejected"] >= 1, timeout=10000)
        state = js(qtbot, view, STATE_PROBE)
        assert "__pwned_control" in state["outerPwned"]
        assert state["title"] == "PWNED"
        assert state["allowWebAssets"] is True
        # even trusted-page code cannot beacon out: the outer CSP (connect-src 'none') refuses it
        # before any request exists, and the console message says so
        qtbot.waitUntil(lambda: any("evil.test/beacon" in m[1] for m in view.page().console), timeout=10000)
        assert [r for r in view.interceptor.requests if "evil.test" in r.url and not r.blocked] == []
    finally:
        view.close()
        view.deleteLater()
        qapp.processEvents()


# ---------------------------------------------------------------- the sanitiser alone

def _weakened_renderer(tmp_path):
    """A test-only copy of the renderer with the frame sandbox and both content security policies
    removed (never shipped: served from tmp_path through a view's ``renderer_dir``)."""
    import re
    import shutil

    from replaydesk.resources import renderer_dir

    d = tmp_path / "renderer-without-sandbox-and-csp"
    shutil.copytree(renderer_dir(), d)

    def patch(name, old, new, regex=False):
        p = d / name
        text = p.read_text()
        out, n = (re.subn(old, new, text, flags=re.S) if regex else (text.replace(old, new), text.count(old)))
        assert n == 1, f"{name}: {old!r} found {n} times (the weakened build is out of date)"
        p.write_text(out)

    patch("renderer.html", r'<meta http-equiv="Content-Security-Policy".*?>', "", regex=True)
    patch("renderer.js", "RD.sanitize.mark(f, 'sandbox', 'allow-same-origin');", "")
    patch("build.js", "S.mark(el, 'sandbox', 'allow-same-origin');", "")
    patch("build.js", "S.writeShell(doc, dt, sn.compatMode === 'BackCompat', cspFor());",
          "S.writeShell(doc, dt, sn.compatMode === 'BackCompat', '');")
    return d


@pytest.mark.qt_log_ignore(".*")
def test_sanitiser_alone_holds_without_sandbox_and_csp(qtbot, qapp, tmp_path):
    """Every hostile vector, replayed with only the sanitiser (and the interceptor as a witness):
    nothing runs and nothing is even requested."""
    view = ReplayView(headless=True, renderer_dir=_weakened_renderer(tmp_path))
    try:
        view.resize(800, 601)
        view.show()
        wait_ready(qtbot, view)
        # positive control: in this build raw markup really runs and fetches
        show_moment(qtbot, view, recording([]), 10_000)
        view.run_javascript(r"""(() => {
            const d = RD.topDocument();
            const s = d.createElement('script'); s.textContent = 'parent.__layers_off = 1'; d.body.appendChild(s);
            const i = d.createElement('img'); i.src = 'http://evil.test/control.png'; d.body.appendChild(i);
        })()""")
        qtbot.waitUntil(lambda: js(qtbot, view, "return !!window.__layers_off"), timeout=10000)
        qtbot.waitUntil(lambda: any("control.png" in r.url for r in view.interceptor.requests), timeout=10000)
        assert js(qtbot, view, "return document.querySelector('#rd-content').hasAttribute('sandbox')") is False
        js(qtbot, view, "delete window.__layers_off; return 1")
        view.interceptor.requests.clear()

        show_moment(qtbot, view, recording(), 10_000)
        for vector in sorted(VECTORS):  # and one by one (a vector may hide behind an earlier one)
            show_moment(qtbot, view, recording([vector]), 10_000)
            state = js(qtbot, view, STATE_PROBE)
            assert [b for b in state["bad"] if b != "iframe sandbox"] == [], (vector, state["bad"])
        state = assert_clean(qtbot, view, sandboxed=False)
        assert state["outerPwned"] == [] and all(d["pwned"] == [] for d in state["docs"])
        own = ("replaydesk://renderer/",)
        requested = [r.url for r in view.interceptor.requests
                     if r.scheme not in ("data", "blob") and not (r.url.startswith(own) and r.url.endswith((".js", ".css", ".html")))]
        assert requested == [], requested
    finally:
        view.close()
        view.deleteLater()
        qapp.processEvents()
