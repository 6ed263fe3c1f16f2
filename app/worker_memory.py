"""Memory settings of a web worker, applied by gunicorn.conf.py in the master before it forks.

- Large blocks go back to the system when freed. glibc serves a block over 128 KiB from its own
  mapping, but after the first such block is freed it raises that threshold to the block's size
  (up to 32 MiB) and keeps later ones in the heap: the 8 MiB a sign-in's scrypt hash needs would
  then stay in the worker for good. Setting the thresholds fixes them.
- The preloaded code's documentation strings are dropped (about 4 MB in all): a worker never
  reads them, and the API's description, the one thing built from them, is made while the app
  is built. The space they leave is reused by what the worker allocates.
- The objects the preloaded app made are frozen out of the garbage collector: its full
  collections no longer walk (and so write to, and unshare) the half a million objects every
  worker inherits, and take less time.
- The collector then forgets them as its measure of the oldest generation. It runs a full
  collection only once the objects promoted since the last one reach a quarter of what that
  one kept; counted from the preloaded half million, a worker waited for some 125,000
  promoted objects (a request's cyclic garbage that outlived two younger collections) before
  freeing any, and its heap grew by megabytes of that garbage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dis
import gc
import sys
import types

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024
TRIM_THRESHOLD_BYTES = 256 * 1024


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def return_large_blocks() -> bool:
    """Fix glibc's mmap and trim thresholds; False where the C library is not glibc."""
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    fixed = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    return mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1 and fixed


def drop_docstrings() -> int:
    """Forget the documentation strings of every loaded module, class and function (each
    function's code keeps its own, so the code is replaced by a copy without it); the number
    of strings dropped. For a process that only serves requests: help texts are gone."""
    dropped = 0
    for module in list(sys.modules.values()):
        if isinstance(getattr(module, "__doc__", None), str):
            try:
                module.__doc__ = None
                dropped += 1
            except (AttributeError, TypeError):
                pass
    for thing in gc.get_objects():
        if isinstance(thing, types.FunctionType):
            dropped += _drop_function_docstring(thing)
        elif isinstance(thing, type) and isinstance(thing.__dict__.get("__doc__"), str):
            try:
                thing.__doc__ = None
                dropped += 1
            except (AttributeError, TypeError):  # built-in and extension types keep theirs
                pass
    return dropped


def _drop_function_docstring(function: types.FunctionType) -> int:
    documented = isinstance(function.__doc__, str)
    if documented:
        function.__doc__ = None
    code = function.__code__
    # A function's first constant is its docstring, or None when it has none; kept when the
    # body loads that same string as a value.
    if code.co_consts and isinstance(code.co_consts[0], str) and not _loads_first_constant(code):
        function.__code__ = code.replace(co_consts=(None, *code.co_consts[1:]))
    return 1 if documented else 0


_LOAD_FIRST_CONSTANT = bytes((dis.opmap["LOAD_CONST"], 0))
_EXTENDED_ARG = dis.EXTENDED_ARG


def _loads_first_constant(code: types.CodeType) -> bool:
    """Whether the bytecode has LOAD_CONST 0 (two bytes per instruction)."""
    raw = code.co_code
    at = raw.find(_LOAD_FIRST_CONSTANT)
    while at != -1:
        if at % 2 == 0 and (at == 0 or raw[at - 2] != _EXTENDED_ARG):
            return True
        at = raw.find(_LOAD_FIRST_CONSTANT, at + 1)
    return False


def freeze_preloaded() -> None:
    """Collect once, give the freed heap pages back to the system (glibc), then keep what is
    left (the preloaded app) out of later collections, and have the collector measure its
    oldest generation by what is not frozen (see the module's note)."""
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim.argtypes = (ctypes.c_size_t,)
        trim(0)
    gc.freeze()
    # A full collection over nothing but what is not frozen (next to nothing): it leaves that
    # count, not the frozen objects', as the size the next full collection is weighed against.
    gc.collect()
