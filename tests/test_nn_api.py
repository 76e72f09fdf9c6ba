"""The public surface of ``fungrad.nn``: ``__all__``, a clean ``dir()``, documented callables.

Every public callable of ``fungrad.nn`` and ``fungrad.nn.initializers`` has a Google-style docstring
with a runnable ``>>>`` example (pytest's doctest run executes the examples themselves).
"""

from __future__ import annotations

import inspect
import types

import pytest

import fungrad.nn as fnn

PUBLIC = [name for name in dir(fnn) if not name.startswith("_")]
CALLABLES = [(f"nn.{n}", getattr(fnn, n)) for n in fnn.__all__ if callable(getattr(fnn, n))] + [
    (f"nn.initializers.{n}", getattr(fnn.initializers, n)) for n in fnn.initializers.__all__
]


def test_all_names_exist_and_are_sorted():
    missing = [n for n in fnn.__all__ if not hasattr(fnn, n)]
    assert not missing, f"fungrad.nn.__all__ names missing attributes: {missing}"
    assert fnn.__all__ == sorted(fnn.__all__)


def test_dir_shows_only_the_public_api():
    # No module merely imported (jax, np, fnp, ...) and nothing public outside __all__.
    extra = sorted(set(PUBLIC) - set(fnn.__all__))
    assert not extra, f"fungrad.nn shows names that are not its API (import them as _name or del them): {extra}"
    modules = sorted(n for n in PUBLIC if isinstance(getattr(fnn, n), types.ModuleType) and n != "initializers")
    assert not modules, f"fungrad.nn shows imported modules: {modules}"


def test_initializers_all_is_complete():
    public = sorted(
        n
        for n, v in vars(fnn.initializers).items()
        if not n.startswith("_") and callable(v) and getattr(v, "__module__", "").startswith("fungrad")
    )
    assert sorted(fnn.initializers.__all__) == public


@pytest.mark.parametrize("name, fn", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_public_callable_has_docstring_with_example(name, fn):
    doc = inspect.getdoc(fn) or ""
    assert doc.strip(), f"{name} has no docstring"
    assert ">>> " in doc, f"{name}'s docstring has no runnable >>> example"
    params = [p for p in inspect.signature(fn).parameters if p not in ("self",)]
    if params:
        # Google style: arguments are described in an Args section or by reference to a sibling.
        assert "Args:" in doc or "arguments are those of" in doc, f"{name}'s docstring has no Args section"
