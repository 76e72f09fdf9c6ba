"""Names and docstrings for the functions that ``fungrad.numpy``'s factories make (``add``, ``exp``, ...).

Each gets a summary and a one-line ``>>>`` example, which pytest's doctest runs like any other.
"""


def named(fn, name: str, summary: str, example: str, result: str):
    """``fn`` named ``name``, with docstring ``summary`` and the example ``>>> example`` printing ``result``."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{summary}\n\n>>> import fungrad.numpy as fnp\n>>> {example}\n{result}\n"
    return fn
