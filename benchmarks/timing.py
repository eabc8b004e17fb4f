"""What every speed benchmark here shares: medians of repeats in CPU and wall time, the load.

Imports only the standard library, so the peer runners (efficient_kan_runner.py,
pykan_runner.py), which run under another project's Python, use it too.

A benchmark on a shared machine is only as good as the load it ran under: `machine()`
returns one line with the 1-, 5- and 15-minute load averages (os.getloadavg) and the CPU
count, printed at the start and at the end of every run.
"""

import os
import statistics
import time


def machine():
    """One line: CPUs and the load averages now (1, 5, 15 minutes)."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} / {five:.2f} / {fifteen:.2f}"


def measure(step, repeats, warmup=1):
    """Median wall and CPU milliseconds of step() over `repeats` calls (after `warmup`).

    CPU time is this process's (time.process_time, user + system): it is what a busy
    machine steals least from, while the wall time shows what a user waits.

    Returns:
        {"wall_ms": median, "cpu_ms": median, "repeats": repeats}
    """
    for _ in range(warmup):
        step()
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        step()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return {
        "wall_ms": 1e3 * statistics.median(wall),
        "cpu_ms": 1e3 * statistics.median(cpu),
        "repeats": repeats,
    }


def clock():
    """(wall, cpu) seconds now, to subtract later: `elapsed(clock())`."""
    return time.perf_counter(), time.process_time()


def elapsed(start):
    """(wall, cpu) seconds since `start = clock()`."""
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]
