"""Test-session setup shared by tests/ and the doctests in fungrad/."""

import os

import jax

# Every IR produced by the rewrite toolkit (jvp_ir, partial_eval_ir, transpose_ir, batch_ir, dce_ir)
# is type checked in tests (read when fungrad._src.ir is imported, so set before any fungrad import).
os.environ.setdefault("FUNGRAD_CHECK_REWRITES", "1")

# The oracle comparisons run in float64.
jax.config.update("jax_enable_x64", True)

# Most of the suite's time is XLA compiling small programs (each eager primitive at each new shape);
# JAX's persistent compilation cache makes a rerun several times faster. Set FUNGRAD_TEST_JAX_CACHE=""
# to turn it off.
_cache = os.environ.get("FUNGRAD_TEST_JAX_CACHE", os.path.expanduser("~/.cache/fungrad-tests-jax"))
if _cache:
    jax.config.update("jax_compilation_cache_dir", _cache)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
