"""fungrad's runtime options: ``fungrad.config.update(name, value)``, read as ``config.name``.

Contract. One object holds every option with its default and documentation; unknown names are an
error that lists the known ones. Options are read at the moment they matter (no caching), so an
update takes effect for the next traced or executed operation. Nothing here costs anything when an
option is off.
"""

from __future__ import annotations

_OPTIONS = {
    "warn_batched_cond": (
        False,
        "Warn when vmap turns a cond/switch with a batched predicate into running every branch "
        "(the warning names the cond's line and each branch's equation count).",
    ),
    "debug_nans": (
        False,
        "Raise FloatingPointError at the first NaN, naming the forward or backward equation, its primitive, "
        "the user's line (and for a backward equation the forward code it differentiates) and its inputs.",
    ),
    "debug_infs": (False, "Like debug_nans, for infinities."),
    "trace_size_warning": (
        20_000,
        "Warn once per trace when it grows past this many equations (a long Python loop unrolled into "
        "the IR), naming the source lines that produced the most; 0 turns it off.",
    ),
}


class Config:
    """fungrad's options (``fungrad.config``).

    >>> import fungrad
    >>> fungrad.config.warn_batched_cond
    False
    >>> fungrad.config.update("warn_batched_cond", True)
    >>> fungrad.config.warn_batched_cond
    True
    >>> fungrad.config.update("warn_batched_cond", False)
    """

    def __init__(self):
        for name, (default, _) in _OPTIONS.items():
            object.__setattr__(self, name, default)
        object.__setattr__(self, "_watchers", {})

    def watch(self, name: str, fn) -> None:
        """Call ``fn(value)`` whenever option ``name`` is updated (modules that arm hooks use this)."""
        self._watchers.setdefault(name, []).append(fn)

    def update(self, name: str, value) -> None:
        """Set option ``name`` (see :meth:`describe`)."""
        if name not in _OPTIONS:
            known = ", ".join(sorted(_OPTIONS))
            raise AttributeError(f"fungrad.config has no option {name!r}; options are: {known}")
        object.__setattr__(self, name, value)
        for fn in self._watchers.get(name, ()):
            fn(value)

    def __setattr__(self, name, value):
        raise AttributeError(f"use fungrad.config.update({name!r}, value)")

    @staticmethod
    def describe() -> dict[str, str]:
        """Each option's documentation."""
        return {name: doc for name, (_, doc) in _OPTIONS.items()}


config = Config()
