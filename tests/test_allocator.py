"""kan_np.allocator: freed memory stays in the process inside `retained()`, and only there."""

import resource

import numpy as np
import pytest

from kan_np import allocator

GLIBC = allocator._glibc() is not None


def faults_of(repeat, nbytes=1 << 20):
    """Minor page faults of allocating, touching and freeing `repeat` arrays of nbytes."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(repeat):
        np.ones(nbytes // 8).sum()  # touched, then freed
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_retained_memory_is_not_faulted_in_again():
    with allocator.retained():
        faults_of(1)  # the first one maps the pages (1 MiB: 256 of them)
        inside = faults_of(10)  # the next ones reuse them (4 MiB may be huge pages)
    assert inside < 100, f"{inside} page faults for 10 blocks that could reuse one"


def test_nesting_and_exceptions_restore_the_depth(monkeypatch):
    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append((param, value))

        def malloc_trim(self, pad):
            calls.append(("trim", pad))

    monkeypatch.setattr(allocator, "_glibc", FakeLibc)
    with pytest.raises(RuntimeError), allocator.retained():
        with allocator.retained():  # nested: changes nothing
            assert len(calls) == 2
        raise RuntimeError("inside fit")
    assert allocator._depth == 0
    top = allocator.MMAP_THRESHOLD_MAX
    assert calls[2:] == [(allocator.M_MMAP_THRESHOLD, top),
                         (allocator.M_TRIM_THRESHOLD, 2 * top), ("trim", 0)]  # fmt: skip
    calls.clear()
    with allocator.retained(enabled=False):
        assert calls == []
