"""What a new generation takes over from the one it starts from, and the facts it records.

An update and a merge start their generation as copies of the files of the one before
(`copy_files`; never the files each generation writes for itself) and take over their checksums
in its manifest; every generation records its live chunks (`live_chunks`) and when it was built
(`utc_now`).

Copies, not hard links: a hard link is the same file under two names, so one damaged file (bytes
overwritten in place) damaged the generation in use and the one before it alike, and the site
had nothing to fall back on. A copy is made by reference where the file system can (btrfs, XFS:
`FICLONE`, instant and without taking space until one side is written), else in full (in the
kernel, `shutil.copyfile`): 0.1 s for the bundled corpus's 110 MB, about 1-5 s for the 2 GB of
100,000 documents, and a second copy of the index on disk.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import shutil
from pathlib import Path

from whoosh import index as whoosh_index

from search.index.arrays.derived import GENERATION_FILES
from search.index.format.internals import table_of_contents
from search.index.generations.corpus_manifest import CORPUS_DOCUMENTS_FILE, CORPUS_MANIFEST_FILE
from search.index.generations.manifest import (
    MANIFEST_FILE,
    META_FILE,
    file_identity,
    is_whoosh_lock,
    read_manifest,
)

# Linux's ioctl that makes a file share another's blocks (copy on write).
_FICLONE = 0x40049409


def copy_files(
    source: Path, target: Path, also: tuple[str, ...] = ()
) -> dict[str, tuple[str, tuple]]:
    """Copy a generation's index files, and the generation files named in `also`, from a
    generation whose checksums were just verified; each copy's checksum (from the source's
    manifest) with its identity as copied, for `manifest.write_manifest`."""
    listed = read_manifest(source)
    copied = {}
    for path in sorted(source.iterdir()):
        if not path.is_file() or is_whoosh_lock(path.name):
            continue
        if path.name in _NOT_TAKEN_OVER and path.name not in also:
            continue
        copy_file(path, target / path.name)
        if path.name in listed:
            copied[path.name] = (
                listed[path.name].sha256,
                file_identity((target / path.name).stat()),
            )
    return copied


def copy_file(source: Path, target: Path) -> None:
    """Copy a file: by reference where the file system shares blocks between files, else in
    full."""
    with open(source, "rb") as original, open(target, "xb") as copy:
        try:
            fcntl.ioctl(copy.fileno(), _FICLONE, original.fileno())
            return
        except OSError:
            pass
    shutil.copyfile(source, target)


# Files a generation writes for itself, never taken over from the one it is updated from.
# The tables of `complete_generation` among them.
_NOT_TAKEN_OVER = (
    META_FILE,
    MANIFEST_FILE,
    CORPUS_MANIFEST_FILE,
    CORPUS_DOCUMENTS_FILE,
    *GENERATION_FILES,
)


def live_chunks(ix: whoosh_index.FileIndex) -> int:
    """The chunks an index holds, deleted ones left out, from its table of contents alone
    (Whoosh's `doc_count` opens every segment, copying it into memory)."""
    return sum(segment.doc_count() for segment in table_of_contents(ix).segments)


def utc_now() -> str:
    """The time now (UTC, to the second), as the build facts give it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
