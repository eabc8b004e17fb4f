"""Keep freed memory inside the process while training, instead of faulting it in again.

Why. Every evaluation of the loss allocates its large temporaries afresh (the dense basis
(N, I, M), its gradient, the (k+1, N, I) local tables, many (N, I) arrays) and frees them
at its end. glibc's malloc serves a block above its mmap threshold (128 KiB at start, raised
on the fly up to 32 MiB) with fresh pages from the kernel, and hands freed memory at the
top of its heap back to the kernel once more than its trim threshold is free. Each fresh
page then costs a page fault on first touch (the kernel zeroes it). Training evaluates the
same shapes thousands of times, so it pays this again and again: on the configurations of
`benchmarks/step_time.py` it was about half of the time of a step.

What was tried first. Keeping the two largest arrays (the basis and its gradient) from one
evaluation to the next removes the faults only for the smallest models: the many (N, I)
and (k+1, N, I) temporaries of the basis evaluation are above the threshold too as soon as
N * I > 16,384, and giving every one of them a preallocated buffer would bury the
arithmetic the layer is meant to show under buffer management.

So, as a last resort, `retained()` raises both thresholds while it is active: freed blocks
stay in the heap and the next evaluation reuses pages that are already mapped. The process
keeps about one evaluation's peak memory (what `tracemalloc` reports per step). On exit
`malloc_trim(0)` hands the memory back, and the thresholds are left where glibc's own
adjustment takes them once a 32 MiB block has been freed (mmap 32 MiB, trim 64 MiB): once
set, glibc no longer adjusts them by itself, and its initial 128 KiB would make every
later large allocation fault again.

This setting is process-wide: it applies to every allocation in the process, not only
kan_np's. `training.fit` is the only user. With another C library (macOS, musl, Windows)
it does nothing.
"""

import contextlib
import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024  # the largest mmap threshold glibc accepts (64-bit)
TRIM_THRESHOLD = 1 << 30  # keep up to 1 GiB of free memory at the top of the heap

_depth = 0  # nesting level of `retained()` (a fit inside a fit's callback)


def _glibc():
    """The C library if it is glibc (it has mallopt and malloc_trim), else None."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt.argtypes, libc.malloc_trim.argtypes = [ctypes.c_int] * 2, [ctypes.c_size_t]
        return libc
    except (OSError, AttributeError, TypeError):
        return None


@contextlib.contextmanager
def retained(enabled=True):
    """A context in which freed memory stays in the process (see the module docstring).

    Nested uses are fine: only the outermost one changes and restores the settings.
    """
    global _depth
    libc = _glibc() if enabled and _depth == 0 else None
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if libc is not None:
            libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)  # glibc's own upper values
            libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_MAX)
            libc.malloc_trim(0)
