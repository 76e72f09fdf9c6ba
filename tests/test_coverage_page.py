"""docs/coverage.md is generated from the registry and the records; it must not go stale."""

import difflib
import importlib.util
import pathlib

import jax.numpy as jnp

import fungrad.numpy as fnp

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_coverage", ROOT / "docs" / "gen_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_page_is_up_to_date():
    gen = _generator()
    expected, actual = gen.render(), gen.PAGE.read_text()
    diff = "\n".join(difflib.unified_diff(actual.splitlines(), expected.splitlines(), "committed", "generated"))
    assert expected == actual, f"docs/coverage.md is stale: run `python docs/gen_coverage.py`\n{diff[:3000]}"


def test_every_fungrad_numpy_name_is_a_jax_numpy_name():
    extra = sorted({n for n in dir(fnp) if not n.startswith("_")} - {n for n in dir(jnp) if not n.startswith("_")})
    assert extra == [], f"public fungrad.numpy names that jax.numpy does not have: {extra}"
