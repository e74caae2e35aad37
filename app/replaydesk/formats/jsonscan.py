"""Find the element boundaries of a top-level JSON array without parsing it.

Why: an hour-long session is hundreds of MB of JSON and ``orjson.loads`` of the
whole array costs 2-4x its size in Python objects. Ingest must stay within a
small multiple of the session's bytes, so we locate the byte spans of the
array's elements with vectorised numpy (string/escape aware, in fixed blocks),
then parse a few thousand events at a time.

The scan is the classic structural-index trick (as in simdjson): a quote is
real when preceded by an even run of backslashes; a byte is inside a string
when an odd number of real quotes precede it; depth is the running sum of
brackets outside strings; elements are separated by commas at depth 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BLOCK = 8 << 20
_QUOTE, _BSLASH = 34, 92
_LBRACK, _RBRACK, _LBRACE, _RBRACE, _COMMA = 91, 93, 123, 125, 44
_WS = b" \t\r\n"


@dataclass
class ArrayScan:
    """Where the elements of a top-level array lie in the buffer.

    ``starts[i]``/``ends[i]`` delimit element i (``ends`` exclusive, may include
    surrounding whitespace). ``complete`` is False when the buffer ends before
    the array closes; the spans then cover only the elements that did close.
    ``trailing`` is True when non-whitespace follows the closing bracket.
    """

    starts: np.ndarray
    ends: np.ndarray
    complete: bool
    trailing: bool
    end_offset: int

    def __len__(self) -> int:
        return len(self.starts)


def first_char(buf: bytes | memoryview) -> int | None:
    """The first non-whitespace byte (skipping a UTF-8 BOM), or None."""
    view = memoryview(buf)
    i = 3 if bytes(view[:3]) == b"\xef\xbb\xbf" else 0
    n = len(view)
    while i < n:  # in blocks: a file of megabytes of whitespace stays fast
        block = bytes(view[i : i + 65536])
        rest = block.lstrip(_WS)
        if rest:
            return rest[0]
        i += len(block)
    return None


_LUT = np.zeros(256, dtype=np.uint8)
_LUT[_QUOTE] = 1
_LUT[_BSLASH] = 2
_LUT[_LBRACK] = _LUT[_LBRACE] = 3
_LUT[_RBRACK] = _LUT[_RBRACE] = 4
_LUT[_COMMA] = 5


def _escaped_positions(bpos: np.ndarray, carry_run: int) -> tuple[np.ndarray, int]:
    """Positions escaped by a backslash run, and the run length open at the end.

    ``bpos`` are the (sorted) backslash positions of the block; ``carry_run``
    backslashes ended the previous block right before position 0. A run of
    length L ending at e escapes the character at e + 1 when L is odd.
    """
    if carry_run:
        bpos = np.concatenate((np.arange(-carry_run, 0, dtype=np.int64), bpos))
    if not len(bpos):
        return bpos, 0
    brk = np.flatnonzero(np.diff(bpos) != 1)
    run_ends = np.concatenate((brk, [len(bpos) - 1]))
    run_starts = np.concatenate(([0], brk + 1))
    lengths = run_ends - run_starts + 1
    esc = bpos[run_ends][(lengths & 1) == 1] + 1
    return esc, 0


def scan_array(buf: bytes | memoryview, block: int = _BLOCK, start: int | None = None) -> ArrayScan:
    """Scan ``buf`` (which must start, after whitespace, with ``[``).

    With ``start``, scanning begins at that offset as if just inside the
    outer array (between two elements), so a caller can resume after a prefix
    it already consumed without copying the rest of the buffer.
    """
    view = memoryview(buf)
    n = len(view)
    commas: list[np.ndarray] = []
    open_pos = -1 if start is None else start - 1
    close_pos = -1
    depth = 0 if start is None else 1
    in_str = 0
    carry_run = 0  # backslashes ending the previous block
    last_closed = -1  # end byte of the last element known to be complete
    pos = 0 if start is None else start
    while pos < n:
        blk = np.frombuffer(view[pos : pos + block], dtype=np.uint8)
        m = len(blk)
        codes = _LUT[blk]
        nz = np.flatnonzero(codes)
        cz = codes[nz]
        bpos = nz[cz == 2]
        esc, _ = _escaped_positions(bpos, carry_run)
        # trailing backslash run that continues into the next block
        if len(bpos) and bpos[-1] == m - 1:
            k = len(bpos) - 1
            brk = np.flatnonzero(np.diff(bpos) != 1)
            first = int(brk[-1]) + 1 if len(brk) else 0
            run = k - first + 1
            carry_run = run + (carry_run if bpos[first] == 0 else 0)
            esc = esc[esc < m]
        else:
            carry_run = 0
        quotes = nz[cz == 1]
        if len(esc):
            quotes = quotes[~np.isin(quotes, esc, assume_unique=True)]
        smask = cz >= 3
        spos = nz[smask]
        scode = cz[smask]
        # a structural byte is outside strings when an even number of real
        # quotes precede it (plus the parity carried in from earlier blocks)
        before = np.searchsorted(quotes, spos)
        outside = ((before + in_str) & 1) == 0
        spos = spos[outside]
        scode = scode[outside]
        in_str = (in_str + len(quotes)) & 1
        delta = np.where(scode == 3, 1, np.where(scode == 4, -1, 0)).astype(np.int64)
        dep = np.cumsum(delta) + depth  # depth after each structural byte
        if open_pos < 0:
            o = np.flatnonzero((scode == 3) & (dep == 1))
            if len(o):
                open_pos = pos + int(spos[o[0]])
        c = spos[(scode == 5) & (dep == 1)]
        z = np.flatnonzero((scode == 4) & (dep == 0))
        if len(z) and open_pos >= 0:
            close_pos = pos + int(spos[z[0]])
            if len(c):
                commas.append(c[c + pos < close_pos] + pos)
            break
        if len(c):
            commas.append(c + pos)
        d1 = spos[(scode == 4) & (dep == 1)]
        if len(d1):
            last_closed = pos + int(d1[-1])
        if len(dep):
            depth = int(dep[-1])
        pos += m
    comma_pos = np.concatenate(commas) if commas else np.empty(0, dtype=np.int64)
    if open_pos < 0:
        return ArrayScan(np.empty(0, np.int64), np.empty(0, np.int64), False, False, n)
    if close_pos >= 0:
        starts = np.concatenate(([open_pos + 1], comma_pos + 1))
        ends = np.concatenate((comma_pos, [close_pos]))
        if len(starts) == 1 and not bytes(view[open_pos + 1 : close_pos]).strip():
            starts, ends = starts[:0], ends[:0]
        rest = bytes(view[close_pos + 1 :]).strip() if close_pos + 1 < n else b""
        return ArrayScan(starts, ends, True, bool(rest), close_pos + 1)
    # Truncated: keep the elements that closed (followed by a comma, or a
    # last element whose closing bracket was reached before the cut).
    starts = np.concatenate(([open_pos + 1], comma_pos + 1))
    ends = np.concatenate((comma_pos, [last_closed + 1]))
    if last_closed < starts[-1]:
        starts, ends = starts[:-1], ends[:-1]
    return ArrayScan(starts, ends, False, False, n)


def group_spans(scan: ArrayScan, max_bytes: int = 4 << 20, max_items: int = 5000):
    """Yield (first, last_exclusive) element index ranges of bounded byte size.

    Consecutive elements are contiguous in the buffer, so a range is parsed as
    ``b"[" + buf[starts[first]:ends[last-1]] + b"]"`` in one orjson call.
    """
    n = len(scan)
    i = 0
    starts, ends = scan.starts, scan.ends
    while i < n:
        limit = starts[i] + max_bytes
        j = int(np.searchsorted(ends, limit, side="right"))
        j = max(j, i + 1)
        j = min(j, i + max_items, n)
        yield i, j
        i = j
