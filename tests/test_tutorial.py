"""The code blocks of the documentation's tutorial and getting-started page run, in order, and print
what the text says they print."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def python_blocks(name: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / name).read_text(), flags=re.S)


def run_blocks(name: str) -> list[str]:
    namespace: dict = {}
    outputs = []
    for block in python_blocks(name):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{name}", "exec"), namespace)  # noqa: S102 - the docs are ours
        outputs.append(out.getvalue())
    return outputs


def test_tutorial_blocks_run_and_show_what_the_text_says():
    outs = run_blocks("tutorial.md")
    assert len(outs) == 9
    assert outs[0].strip() == "(200, 2) (200, 2)"
    assert outs[3].strip() == "True"  # fungrad.grad equals the backward pass written by hand
    assert outs[4].strip() == "True True"
    assert outs[5].strip() == "True True"  # training lowered the loss and separates the moons
    assert outs[6].strip() == "True"  # vanishing gradients in the deep sigmoid network
    assert outs[7].strip() == "True False"  # grad_health flags the first layer, not the last
    ends = outs[8].strip()
    assert ends.startswith("[-1.3") and ", 1.1" in ends


@pytest.mark.parametrize("name", ["index.md"])
def test_getting_started_blocks_run(name):
    outs = run_blocks(name)
    assert outs[0].splitlines()[0] == "(3, 2)"
