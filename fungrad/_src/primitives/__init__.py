"""Primitive families. Importing this package registers every primitive's rules with the interpreters."""

from fungrad._src.primitives import conv, dot, elementwise, indexing, linalg, reductions, scans, shape, special  # noqa: F401
# isort: split
from fungrad._src.primitives import random, windows  # noqa: F401  (random numbers, pooling; own line to avoid edit clashes)
