"""Merging the small segments updates leave behind, in a generation of their own: after an
update once there are `segment_merging.MERGE_AT` of them (`merge_when_due`), or whenever asked
(`optimize_index`, `parlsearch optimize`)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from search.index.arrays.derived import complete_generation
from search.index.format.internals import table_of_contents
from search.index.generations.corpus_manifest import CORPUS_DOCUMENTS_FILE, CORPUS_MANIFEST_FILE
from search.index.generations.folders import (
    NoIndexError,
    current_or_none,
    intact_current,
    make_current,
    new_generation,
    open_index,
    read_meta,
    remove_abandoned,
    remove_old_generations,
    sync_folder,
    writable,
    write_atomically,
    write_lock,
)
from search.index.generations.generation_files import copy_files, live_chunks, utc_now
from search.index.generations.manifest import META_FILE, write_manifest
from search.index.generations.mapped_storage import MappedStorage
from search.index.generations.reports import (
    DONE,
    MERGING,
    MergeReport,
    Progress,
    ProgressListener,
    notify,
)
from search.index.generations.segment_merging import merge_segments, mergeable
from search.malloc import return_large_allocations


def optimize_index(index_dir: Path, *, progress: ProgressListener | None = None) -> MergeReport:
    """Merge the small segments of the index in use (those updates left) into one, in a new
    generation made current; a `MergeReport` of 0 segments when there is nothing to merge."""
    index_dir = Path(index_dir)
    started = time.perf_counter()
    return_large_allocations()
    with writable(index_dir), write_lock(index_dir):
        intact = intact_current(index_dir, verify=True)
        if intact.generation is None:
            raise NoIndexError(f"Geen intacte zoekindex in {index_dir.resolve()}.")
        remove_abandoned(index_dir)
        report = _merge_into_new_generation(
            index_dir, intact.generation, progress, every_small=True
        )
        report.passed_over = intact.passed_over
        remove_old_generations(index_dir, intact.damaged)
    report.seconds = time.perf_counter() - started
    notify(progress, Progress(DONE, seconds=report.seconds))
    return report


def merge_when_due(index_dir: Path, progress: ProgressListener | None) -> MergeReport | None:
    """After an update: merge the small segments into one when there are enough of them."""
    current = current_or_none(index_dir)
    if current is None:
        return None
    started = time.perf_counter()
    report = _merge_into_new_generation(index_dir, current, progress, every_small=False)
    if not report.segments:
        return None
    report.seconds = time.perf_counter() - started
    return report


def _merge_into_new_generation(
    index_dir: Path, base: Path, progress: ProgressListener | None, every_small: bool
) -> MergeReport:
    """A generation that is `base` with its small segments merged into one, made current."""
    ix = open_index(base)
    try:
        chosen = mergeable(table_of_contents(ix).segments, every_small)
    finally:
        ix.close()
    if not chosen:
        return MergeReport(generation=base.name)
    notify(progress, Progress(MERGING, len(chosen)))
    generation = new_generation(index_dir)
    try:
        copied = copy_files(base, generation, also=(CORPUS_MANIFEST_FILE, CORPUS_DOCUMENTS_FILE))
        ix = open_index(generation)
        try:
            merge_segments(generation, ix, chosen)
            chunks = live_chunks(ix)
        finally:
            ix.close()
        complete_generation(generation, previous=base, storage=MappedStorage(generation))
        meta = {**read_meta(base), "merged_segments": len(chosen), "chunks": chunks}
        meta["built"] = utc_now()
        write_atomically(generation / META_FILE, json.dumps(meta, indent=2, ensure_ascii=False))
        write_manifest(generation, known=copied)
        sync_folder(generation)
        make_current(index_dir, generation.name)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return MergeReport(segments=len(chosen), chunks=chunks, generation=generation.name)
