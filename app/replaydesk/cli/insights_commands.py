"""``replaydesk heatmap`` and ``replaydesk pages``: page insights (issue 12) headless."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from ..analysis.fields import field_dropoff
from ..analysis.heatmap_report import write_elements_csv
from ..analysis.tap_accuracy import NEAR_MISS_HEADER, near_miss_csv_rows, tap_accuracy
from ..store.insights import DEVICE_BANDS, Selection, pages_overview, url_pattern
from . import commands


def add_parsers(sub, db_arg) -> None:
    sp = sub.add_parser("heatmap", help="draw a click, scroll or move map of one page across sessions to a PNG")
    sp.add_argument("--url", required=True, metavar="PATTERN",
                    help="page URL or pattern (query and fragment ignored, numeric/uuid segments as :id)")
    sp.add_argument("--kind", default="click", choices=["click", "scroll", "move", "taps"])
    sp.add_argument("--device", choices=list(DEVICE_BANDS))
    sp.add_argument("--width", type=int, metavar="PX", help="draw the page at this width (default: most common)")
    db_arg(sp)
    sp.add_argument("-o", "--output", required=True, metavar="FILE", help="PNG file to write")
    sp.add_argument("--csv", metavar="FILE", help="also write the ranked elements table (click/taps)")
    sp.add_argument("--near-misses", metavar="FILE", help="with --kind taps: also write the ranked near-miss table")
    sp.add_argument("--no-render", action="store_true", help="draw on white instead of the rendered page")
    sp.add_argument("--web-assets", action="store_true", help="let the page load http(s) assets")

    sp = sub.add_parser("pages", help="pages overview: views, sessions, exits, exit rate, time on page, signals")
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="print one JSON array")

    sp = sub.add_parser("fields", help="form field drop-off of one page: focus, time, corrections, errors, last field")
    sp.add_argument("--url", required=True, metavar="PATTERN", help="page URL or pattern (as for heatmap)")
    db_arg(sp)
    sp.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_pages(args) -> int:
    db = commands._open(args, must_exist=True)
    rows = pages_overview(db)
    if args.json:
        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    print(f"{'pattern':40} {'views':>6} {'sess':>6} {'exits':>6} {'exit%':>6} {'avg s':>7}  signals")
    for r in rows:
        sig = ", ".join(f"{k} {v}" for k, v in sorted(r["signals"].items()))
        print(f"{r['pattern'][:40]:40} {r['views']:>6} {r['sessions']:>6} {r['exits']:>6}"
              f" {r['exit_rate'] * 100:>5.0f}% {r['avg_time_s']:>7.1f}  {sig}")
    return 0


def cmd_fields(args) -> int:
    db = commands._open(args, must_exist=True)
    try:
        rep = field_dropoff(db, Selection(pattern=url_pattern(args.url)))
    except ValueError as exc:
        raise commands.UserError(str(exc)) from None
    if args.json:
        sys.stdout.write(orjson.dumps(rep.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    print(f"{rep.pattern}: {rep.page_views} page views, {rep.with_input} with a field touched,"
          f" {rep.submitted} submitted, {rep.abandoned} left without a submit")
    print(f"{'field':32} {'sess':>5} {'avg s':>6} {'corr':>5} {'errors':>6} {'last':>5}")
    for f in rep.fields:
        print(f"{f.selector[:32]:32} {f.sessions:>5} {f.avg_time_s:>6.1f} {f.corrections:>5} {f.errors:>6}"
              f" {f.last_touched:>5}")
    if rep.last_fields:
        print("last field before leaving without a submit:")
        for sel, n, share in rep.last_fields:
            print(f"  {sel}: {n} ({share * 100:.0f}%)")
    return 0


def cmd_heatmap(args) -> int:
    if args.width is not None and not 200 <= args.width <= 4000:
        raise commands.UserError(f"--width {args.width}: choose 200 to 4000 px")
    if args.csv and args.kind not in ("click", "taps"):
        raise commands.UserError("--csv needs --kind click or taps")
    if args.near_misses and args.kind != "taps":
        raise commands.UserError("--near-misses needs --kind taps")
    db = commands._open(args, must_exist=True)
    from ..ui.heatmap_render import build_heatmap  # Qt: only for this command
    from ..ui.replay.headless import FrameRenderer, RenderError, ensure_application

    ensure_application()  # drawing text needs a QGuiApplication, with --no-render too
    sel = Selection(pattern=url_pattern(args.url), device=args.device)
    renderer = None
    try:
        if not args.no_render:
            renderer = FrameRenderer(allow_web_assets=args.web_assets)
        try:
            res = build_heatmap(db, sel, args.kind, args.width, renderer=renderer)
        except RenderError as exc:
            print(f"replaydesk: the page could not be drawn ({exc}); drawing on white", file=sys.stderr)
            res = build_heatmap(db, sel, args.kind, args.width, renderer=None)
    except ValueError as exc:
        raise commands.UserError(str(exc)) from None
    finally:
        if renderer is not None:
            renderer.close()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not res.image.save(str(out), "PNG"):
        raise commands.UserError(f"cannot write {out}")
    for line in res.summary:
        if line:
            print(line)
    print(f"wrote {out} ({res.image.width()}x{res.image.height()})")
    if args.csv:
        try:
            write_elements_csv(args.csv, res.elements)
        except OSError as exc:
            raise commands.UserError(f"cannot write {args.csv}: {exc.strerror}") from None
        print(f"wrote {args.csv} ({len(res.elements)} elements)")
    if args.near_misses:
        _write_near_misses(args.near_misses, tap_accuracy(db, sel))
    return 0


def _write_near_misses(path, acc) -> None:
    import csv

    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(NEAR_MISS_HEADER)
            w.writerows(near_miss_csv_rows(acc))
    except OSError as exc:
        raise commands.UserError(f"cannot write {path}: {exc.strerror}") from None
    print(f"wrote {path} ({len(acc.rows)} elements with near-misses, {len(acc.misses)} near-misses"
          f" in {acc.taps} taps)")
