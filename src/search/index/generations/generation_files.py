"""What a new generation takes over from the one it starts from, and the facts it records.

An update and a merge start their generation as hard links to the files of the one before
(`link_files`; never the files each generation writes for itself) and take over their checksums
in its manifest (`checksums_to_reuse`); every generation records its live chunks
(`live_chunks`) and when it was built (`utc_now`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from whoosh import index as whoosh_index

from search.index.arrays.derived import GENERATION_FILES
from search.index.format.internals import table_of_contents
from search.index.generations.corpus_manifest import CORPUS_DOCUMENTS_FILE, CORPUS_MANIFEST_FILE
from search.index.generations.folders import (
    MANIFEST_FILE,
    META_FILE,
    WHOOSH_LOCK_SUFFIX,
    read_manifest,
)


def link_files(source: Path, target: Path, also: tuple[str, ...] = ()) -> None:
    """Hard-link (or, where links are impossible, copy) a generation's index files, and the
    generation files named in `also`."""
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith(WHOOSH_LOCK_SUFFIX):
            continue
        if path.name in _NOT_LINKED and path.name not in also:
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


# Files a generation writes for itself, never taken over from the one it is updated from.
# The tables of `complete_generation` among them.
_NOT_LINKED = (
    META_FILE,
    MANIFEST_FILE,
    CORPUS_MANIFEST_FILE,
    CORPUS_DOCUMENTS_FILE,
    *GENERATION_FILES,
)


def checksums_to_reuse(generation: Path, base: Path | None) -> dict[str, str]:
    """Checksums of `base`'s manifest for the files `generation` shares with it (hard links of
    the same file, verified when the writer started from it): not computed again."""
    listed = read_manifest(base) if base is not None else None
    if not listed:
        return {}
    known = {}
    for name, entry in listed.items():
        try:
            shared = os.path.samefile(base / name, generation / name)
        except OSError:
            continue
        if shared and isinstance(entry.get("sha256"), str):
            known[name] = entry["sha256"]
    return known


def live_chunks(ix: whoosh_index.FileIndex) -> int:
    """The chunks an index holds, deleted ones left out, from its table of contents alone
    (Whoosh's `doc_count` opens every segment, copying it into memory)."""
    return sum(segment.doc_count() for segment in table_of_contents(ix).segments)


def utc_now() -> str:
    """The time now (UTC, to the second), as the build facts give it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
