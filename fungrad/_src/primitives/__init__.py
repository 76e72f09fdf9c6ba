"""Primitive families. Importing this package registers every primitive's rules with the interpreters."""

from fungrad._src.primitives import conv, dot, elementwise, indexing, linalg, reductions, shape, special  # noqa: F401
