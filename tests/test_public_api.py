"""The public surface: ``__all__``, docstrings with examples, no stray modules, JAX's lax signatures.

Every public module declares ``__all__``; every name in it exists; every public callable has a
docstring with a runnable ``>>>`` example (pytest's doctest runs them); ``dir(module)`` shows no module
it merely imported (``jax``, ``np``, ...); and ``fungrad.lax`` mirrors ``jax.lax``: the same names,
with the same positional parameters in the same order.
"""

import importlib
import inspect
import pkgutil

import jax.lax
import pytest

import fungrad
import fungrad.scipy

PUBLIC_MODULES = [
    "fungrad.numpy",
    "fungrad.numpy.linalg",
    "fungrad.numpy.fft",
    "fungrad.lax",
    "fungrad.random",
    "fungrad.nn",
    "fungrad.testing",
] + sorted(m.name for m in pkgutil.walk_packages(fungrad.scipy.__path__, "fungrad.scipy.") if "._" not in m.name)

# Public callables still without a ``>>>`` example, each with the owner who will add it. Empty is the goal.
MISSING_EXAMPLES: dict[str, str] = {}

# fungrad.lax functions whose positional parameters do not match jax.lax's yet, and why. "A1: rename"
# entries are the primitive wrappers in fungrad/_src/primitives/ (A1's files) whose parameter names
# differ from JAX's (positional calls already work; keyword calls with JAX's names do not).
LAX_SIGNATURE_EXCEPTIONS: dict[str, str] = {
    "argmax": "A1: rename x (JAX: operand) in _src/primitives/reductions.py",
    "argmin": "A1: rename x (JAX: operand) in _src/primitives/reductions.py",
    "broadcast_in_dim": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "concatenate": "A1: rename xs (JAX: operands) in _src/primitives/shape.py",
    "conv_general_dilated": "JAX's trailing out_sharding is not supported",
    "conv_transpose": "JAX's trailing use_consistent_padding is not supported",
    "convert_element_type": "A1: rename x (JAX: operand); the trailing weak_type is a fungrad extension",
    "cummax": "A1: rename x (JAX: operand) in _src/primitives/scans.py",
    "cummin": "A1: rename x (JAX: operand) in _src/primitives/scans.py",
    "cumprod": "A1: rename x (JAX: operand) in _src/primitives/scans.py",
    "cumsum": "A1: rename x (JAX: operand) in _src/primitives/scans.py",
    "expand_dims": "A1: rename x (JAX: array) in _src/primitives/layout.py",
    "gather": "A1: rename indices (JAX: start_indices) in _src/primitives/indexing.py",
    "pad": "A1: rename x (JAX: operand) in _src/primitives/shape.py",
    "reduce_and": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "reduce_max": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "reduce_min": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "reduce_or": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "reduce_prod": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "reduce_sum": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "rev": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
    "scatter": "A1: rename indices (JAX: scatter_indices) in _src/primitives/indexing.py",
    "scatter_add": "A1: rename indices (JAX: scatter_indices) in _src/primitives/indexing.py",
    "scatter_max": "A1: rename indices (JAX: scatter_indices) in _src/primitives/indexing.py",
    "scatter_min": "A1: rename indices (JAX: scatter_indices) in _src/primitives/indexing.py",
    "scatter_mul": "A1: rename indices (JAX: scatter_indices) in _src/primitives/indexing.py",
    "slice": "A1: rename x (JAX: operand) in _src/primitives/shape.py",
    "sort": "A1: rename operands (JAX: operand) in _src/primitives/scans.py",
    "squeeze": "A1: rename x (JAX: array) in _src/primitives/layout.py",
    "top_k": "A1: rename x (JAX: operand); the trailing axis is a fungrad extension",
    "transpose": "A1: rename x (JAX: operand) in _src/primitives/layout.py",
}


def _module(name):
    return importlib.import_module(name)


def _public_callables(module):
    for name in module.__all__:
        obj = getattr(module, name)
        # dtype aliases (fnp.float32 is numpy's) and classes (NamedTuple results) are not functions.
        if inspect.ismodule(obj) or inspect.isclass(obj) or not callable(obj):
            continue
        yield name, obj


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_exist(name):
    module = _module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names {missing}, which {name} does not define"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ repeats names"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_dir_shows_no_imported_modules(name):
    module = _module(name)
    stray = [
        n
        for n in dir(module)
        if not n.startswith("_")
        and n.isidentifier()
        and inspect.ismodule(getattr(module, n))
        and n not in getattr(module, "__all__", ())
    ]
    assert not stray, f"dir({name}) shows modules it merely imports: {stray}; import them as _name or del them"


@pytest.mark.parametrize("name", ["fungrad.numpy", "fungrad.lax"])
def test_every_public_name_is_in_all(name):
    # These two modules only re-export, so each public name they hold is one they mean to export.
    module = _module(name)
    public = {n for n in vars(module) if not n.startswith("_") and n.isidentifier()}  # not pytest's @py_ names
    unlisted = sorted(public - set(module.__all__) - {"annotations"})
    assert not unlisted, f"{name} defines public names missing from its __all__: {unlisted}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_callables_have_examples(name):
    module = _module(name)
    lacking = [
        f"{name}.{n}"
        for n, obj in _public_callables(module)
        if ">>>" not in (obj.__doc__ or "") and f"{name}.{n}" not in MISSING_EXAMPLES
    ]
    assert not lacking, f"public callables without a docstring example: {lacking}"


def _positional(fn):
    params = inspect.signature(fn).parameters.values()
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def test_lax_names_are_jax_lax_names():
    import fungrad.lax as flax

    extra = [n for n in flax.__all__ if not hasattr(jax.lax, n)]
    assert not extra, f"fungrad.lax exports names jax.lax does not have: {extra}"


@pytest.mark.parametrize("name", [n for n, _ in _public_callables(_module("fungrad.lax"))])
def test_lax_signature_matches_jax(name):
    if name in LAX_SIGNATURE_EXCEPTIONS:
        pytest.skip(LAX_SIGNATURE_EXCEPTIONS[name])
    ours, theirs = _positional(getattr(fungrad.lax, name)), _positional(getattr(jax.lax, name))
    assert ours == theirs, f"fungrad.lax.{name}{tuple(ours)} != jax.lax.{name}{tuple(theirs)}"
