"""The tuning of glibc's malloc for a process (`mallopt`), where the C library has it.

Two kinds of process are tuned: a server's, whose threads share a few arenas and keep the memory
their searches free for the next search (`search.http.serving`), and the one writing an index
generation (a build or an update, `search.index.generations.writing`; a merge, `optimize`), whose
large arrays go straight to the system and back.
"""

from __future__ import annotations

import ctypes

# mallopt's parameter numbers (malloc.h).
M_TRIM_THRESHOLD = -1
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


# A searching process's allocations below this many bytes come from the memory it holds: the
# largest threshold glibc takes (and the one its own moving threshold stops at), above the
# arrays of a search over every chunk of 500,000 documents (about 15 MB each).
SEARCH_MMAP_THRESHOLD = 32 << 20
# And it keeps up to this much freed memory at the top of its heap rather than giving it back.
SEARCH_TRIM_THRESHOLD = 128 << 20


def keep_freed_memory() -> bool:
    """Let this process (a server's) reuse the memory its searches free for the next search,
    rather than give it back to the system and have it mapped again, page by page, zeroed:
    glibc maps a block of more than 128 KiB apart until one is freed, raises that threshold
    to the freed block's size, and gives back whatever more than twice it lies free at the
    heap's top, so the arrays over every document and chunk that one search frees (4 to 15 MB
    each at 500,000 documents) were mostly mapped afresh for the next. At 500,000 documents
    the bench's query mix (`bench/run.py`, one process, three rounds) took 31.2 and 30.5 ms a
    search on average with this, 36.9 and 34.1 without, alternated in one sitting, the slowest
    queries gaining most (p95 70.3 and 67.4 against 95.2 and 82.2 ms); the process held about
    30 MB more memory of its own (248 and 251 against 221 and 219 MB)."""
    return mallopt(M_MMAP_THRESHOLD, SEARCH_MMAP_THRESHOLD) and mallopt(
        M_TRIM_THRESHOLD, SEARCH_TRIM_THRESHOLD
    )
