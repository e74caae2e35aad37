"""CSS text handling: rule splitting, CSSOM-style edits, style attribute diffs."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from replaydesk.replay.css import (
    StyleSheet, apply_style_diff, format_declarations, parse_declarations, split_rules,
)


def test_split_rules_handles_strings_comments_and_groups():
    css = ('@import url("a;b.css");/* c { } */ a { content: "}"; } '
           '@media (max-width: 600px) { .x { color: red; } .y { color: blue; } } b{}')
    assert split_rules(css) == [
        '@import url("a;b.css");', 'a { content: "}"; }',
        '@media (max-width: 600px) { .x { color: red; } .y { color: blue; } }', 'b{}',
    ]


def test_split_rules_tolerates_garbage():
    assert split_rules("a { color: red") == ["a { color: red"]
    assert split_rules("} } a{}") == ["a{}"]
    assert split_rules("") == []
    assert split_rules("/* only a comment */") == []


def test_insert_and_delete_with_nested_index_paths():
    sheet = StyleSheet.from_text("a{} @media print { b{} c{} } d{}")
    assert sheet.insert("x{}", [1, 1]) is None
    assert sheet.rule_texts()[1] == "@media print { b{} x{} c{} }"
    assert sheet.delete([1, 0]) is None
    assert sheet.rule_texts()[1] == "@media print { x{} c{} }"
    assert sheet.insert("e{}", 99) is None          # clamped to the end
    assert sheet.insert("f{}", None) is None        # CSSOM default index 0
    assert sheet.rule_texts()[0] == "f{}" and sheet.rule_texts()[-1] == "e{}"
    assert sheet.delete(42) is not None             # reported, not raised
    assert sheet.insert("y{}", [0, 0]) is not None  # "f{}" is not a grouping rule
    assert StyleSheet.from_json(sheet.to_json()).text() == sheet.text()


def test_style_declaration_edits_one_rule():
    sheet = StyleSheet.from_text(".a { color: red; margin: 0 } @supports (x: y) { .b { top: 1px; } }")
    assert sheet.set_declaration([0], "margin", "4px", "important") is None
    assert sheet.rule_texts()[0] == ".a { color: red; margin: 4px !important; }"
    assert sheet.remove_declaration([1, 0], "top") is None
    assert sheet.rule_texts()[1] == "@supports (x: y) { .b { } }"
    assert sheet.set_declaration([5], "top", "0", "") is not None


def test_declarations_keep_urls_with_semicolons():
    decls = parse_declarations("background: url(data:image/png;base64,AAA=) no-repeat;COLOR: Red !important;--X: 1")
    assert decls == [["background", "url(data:image/png;base64,AAA=) no-repeat", False],
                     ["color", "Red", True], ["--X", "1", False]]


def test_style_diff_semantics():
    style = "color: red; margin: 0;"
    assert apply_style_diff(style, {"margin": "4px"}) == "color: red; margin: 4px;"
    assert apply_style_diff(style, {"color": False, "top": ["1px", "important"]}) == \
        "margin: 0; top: 1px !important;"
    assert apply_style_diff("", {"display": "none"}) == "display: none;"
    assert apply_style_diff(style, {"color": False, "margin": False}) == ""


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["color", "margin", "--v", "top"]),
                          st.one_of(st.just(False), st.sampled_from(["1px", "url(a;b)", "red"]),
                                    st.tuples(st.just("2px"), st.just("important")).map(list))),
                max_size=6))
def test_style_diff_round_trips_through_parser(diff_items):
    """Whatever the diff, the result re-parses to the declarations it printed."""
    out = apply_style_diff("color: blue; top: 0;", dict(diff_items))
    assert format_declarations(parse_declarations(out)) == out
