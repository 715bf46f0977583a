"""The tuning of glibc's malloc for a process (`mallopt`), where the C library has it.

Two processes are tuned: a server's, whose threads share a few arenas (`search.http.serving`),
and the one writing an index generation (a build or an update, `search.index.generations.writing`;
a merge, `optimize`), whose large arrays go straight to the system and back.
"""

from __future__ import annotations

import ctypes

# mallopt's parameter numbers (malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


def mallopt(parameter: int, value: int) -> bool:
    """Set one of malloc's parameters for this process; False where the C library has no
    `mallopt` (not glibc) or refuses the value."""
    try:
        function = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(function(parameter, value))


# Allocations of this many bytes or more are mapped apart and unmapped when freed. glibc's own
# threshold starts at 128 KiB and rises up to 32 MiB each time a mapped block is freed; after
# that, the arrays a writer sorts and encodes land in the heap, and what they leave there when
# freed stays in the process, scattered, for the next segment to grow around.
LARGE_ALLOCATION = 1 << 20


def return_large_allocations() -> bool:
    """Give large allocations back to the system when freed, from now on in this process (a
    build or update). A build of 100,000 documents with two analysing processes peaked at
    1,856 to 1,890 MB with it, 2,089 to 2,121 MB without (the writer's own peak about 1.1
    against 1.3 GB) in three builds of each, alternated, which took as long either way; the
    bundled corpus's build took about 3% longer (fresh pages mapped). With 8 MiB instead of
    1 MiB, 1,960 MB."""
    return mallopt(M_MMAP_THRESHOLD, LARGE_ALLOCATION)
