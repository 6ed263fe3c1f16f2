"""Memory settings of a web worker, applied by gunicorn.conf.py in the master before it forks.

- Large blocks go back to the system when freed. glibc serves a block over 128 KiB from its own
  mapping, but after the first such block is freed it raises that threshold to the block's size
  (up to 32 MiB) and keeps later ones in the heap: the 8 MiB a sign-in's scrypt hash needs would
  then stay in the worker for good. Setting the thresholds fixes them.
- The objects the preloaded app made are frozen out of the garbage collector: its full
  collections no longer walk (and so write to, and unshare) the half a million objects every
  worker inherits, and take less time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

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


def freeze_preloaded() -> None:
    """Collect once, give the freed heap pages back to the system (glibc), then keep what is
    left (the preloaded app) out of later collections."""
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim.argtypes = (ctypes.c_size_t,)
        trim(0)
    gc.freeze()
