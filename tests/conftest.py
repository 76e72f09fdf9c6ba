import jax

# The oracle comparisons run in float64.
jax.config.update("jax_enable_x64", True)
