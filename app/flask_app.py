"""The Flask application class, with its check for coroutine functions made cheap.

Flask asks, for every hook and view it calls (about fifteen times a request), whether the
function is a coroutine function, and `inspect` answers through several calls. For a plain
function the answer is in its code's flags (and, from Python 3.12, in a marker that
`inspect.markcoroutinefunction` sets in its `__dict__`); anything else is asked as before."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask

_MARKER = "_is_coroutine_marker"  # inspect.markcoroutinefunction's, Python 3.12 and later


class TierdeskFlask(Flask):
    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if (
            type(func) is FunctionType
            and not func.__code__.co_flags & inspect.CO_COROUTINE
            and _MARKER not in func.__dict__
        ):
            return func
        return super().ensure_sync(func)
