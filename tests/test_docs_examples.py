"""The ```python blocks of the guides in docs/ run, and print what the page says they print.

A page's blocks run in order in one namespace (like a notebook), with ``jax_enable_x64`` off, as a
reader would run them. A block followed directly by a ```text block must print that text (doctest's
comparison: ``...`` matches anything, whitespace runs are one space). Code is compiled with the page's
name and line numbers, so source lines that fungrad prints (``custom_rules.md:42 (loss)``) point into
the page. After editing a page, ``python tests/test_docs_examples.py docs/<page>.md`` rewrites its
output blocks from a fresh run; review the diff.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import sys

import jax
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = [
    "docs/custom_rules.md",
    "docs/checkpointing.md",
    "docs/control_flow.md",
    "docs/debugging.md",
    "docs/complex.md",
]

_FENCE = re.compile(r"^```(\w*)\s*$")


def parse(text: str) -> list[dict]:
    """Fenced blocks in order, as dicts: ``lang``, ``open`` (the opening fence, 0-based), ``start`` (the
    first code line, 1-based), ``end`` (the closing fence, 0-based), ``code``."""
    lines, blocks, i = text.split("\n"), [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        blocks.append({"lang": m.group(1), "open": i, "start": i + 2, "end": j, "code": "\n".join(lines[i + 1 : j])})
        i = j + 1
    return blocks


def _followed_by_output(text_lines, block, nxt) -> bool:
    """A ```text block right after the code block (blank lines between allowed) is its output."""
    if nxt is None or nxt["lang"] != "text":
        return False
    return all(not line.strip() for line in text_lines[block["end"] + 1 : nxt["open"]])


def run_page(path: str):
    """Run a page's python blocks; yields ``(block, printed, expected or None)``."""
    with open(os.path.join(ROOT, path)) as fh:
        text = fh.read()
    text_lines, blocks = text.split("\n"), parse(text)
    namespace = {"__name__": f"docs_{os.path.basename(path)[:-3]}"}
    name = os.path.join(ROOT, path)  # the page itself: source lines of reports (linecache) read from it
    with jax.enable_x64(False):
        for k, block in enumerate(blocks):
            if block["lang"] != "python":
                continue
            nxt = blocks[k + 1] if k + 1 < len(blocks) else None
            want = nxt["code"] + "\n" if _followed_by_output(text_lines, block, nxt) else None
            source = "\n" * (block["start"] - 1) + block["code"] + "\n"
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(source, name, "exec"), namespace)
            yield block, out.getvalue(), want, nxt


def _matches(want: str, got: str) -> bool:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    return doctest.OutputChecker().check_output(want, got, flags)


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run_and_print_what_the_page_says(page):
    ran = 0
    for block, got, want, _ in run_page(page):
        ran += 1
        if want is not None:
            assert _matches(want, got), f"{page}:{block['start']}: the block printed\n{got}\nbut the page says\n{want}"
    assert ran > 0


def update(path: str) -> None:
    """Rewrite the output blocks of ``path`` with what its code prints now (keeping ``...`` lines that match)."""
    with open(os.path.join(ROOT, path)) as fh:
        lines = fh.read().split("\n")
    edits = []
    for block, got, want, nxt in run_page(path):
        if want is not None and not _matches(want, got):
            edits.append((nxt["open"] + 1, nxt["end"], got.rstrip("\n").split("\n")))
    for lo, hi, new in reversed(edits):
        lines[lo:hi] = new
    with open(os.path.join(ROOT, path), "w") as fh:
        fh.write("\n".join(lines))
    print(f"{path}: {len(edits)} output block(s) rewritten")


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    for page in sys.argv[1:] or PAGES:
        update(page)
