"""Build and update the index: fill a new generation and swap it in atomically.

A build starts its generation (see `folders`) empty and writes the whole corpus (`build`); an
update starts it as copies of the files of the current one (`generation_files.copy_files`) and
writes only what changed since (`update`). Either way the writer holds the writer lock, fills
the new generation beside the one in use, completes it with the search's arrays
(`search.index.arrays.derived`), writes its build facts and manifest, and only then names it in
`CURRENT`. This is safe because no index file changes once written: a commit writes new
segments under new random names, keeps deletions in the table of contents (`_MAIN_<n>.toc`,
written under a temporary name and renamed to the next number), and only ever unlinks the files
it no longer needs.

Small segments left by updates are merged once there are `MERGE_AT` of them, in a generation of
their own swapped in after the update's (`optimize`, `segment_merging`).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from search.index.arrays.derived import complete_generation
from search.index.generations.build import build_segments, default_procs
from search.index.generations.folders import (
    Intact,
    intact_current,
    make_current,
    new_generation,
    remove_abandoned,
    remove_old_generations,
    sync_folder,
    writable,
    write_atomically,
    write_lock,
)
from search.index.generations.generation_files import live_chunks, utc_now
from search.index.generations.manifest import META_FILE, write_manifest
from search.index.generations.mapped_storage import MappedStorage
from search.index.generations.optimize import merge_when_due
from search.index.generations.reports import DONE, BuildReport, Progress, ProgressListener, notify
from search.index.generations.update import nothing_to_do, start_generation, update_segments
from search.malloc import return_large_allocations


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    progress: ProgressListener | None = None,
    procs: int | None = None,
    strict: bool = False,
) -> BuildReport:
    """Index every document under `corpus_dir` into a new generation and make it current.

    `procs`: analysing processes (default `default_procs()`); the index is the same for any
    number. With `strict`, a build that skipped anything is not made current
    (`BuildReport.refused`).
    """
    procs = procs or default_procs()
    options = _WriteOptions(incremental=False, progress=progress, procs=procs, strict=strict)
    return _write(Path(corpus_dir), Path(index_dir), options)


def update_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    progress: ProgressListener | None = None,
    strict: bool = False,
) -> BuildReport:
    """Add new, replace changed and remove deleted documents, then make the result current.

    Without an index to start from (none yet, one built with another schema, or none intact)
    this is a build. When nothing changed, no generation is made, the index in use stays as it
    is, and neither the corpus nor the index is read; with `strict`, neither is a generation
    made when anything was skipped.
    """
    options = _WriteOptions(incremental=True, progress=progress, procs=1, strict=strict)
    return _write(Path(corpus_dir), Path(index_dir), options)


@dataclass(frozen=True)
class _WriteOptions:
    incremental: bool
    progress: ProgressListener | None
    procs: int
    strict: bool


def _write(corpus_dir: Path, index_dir: Path, options: _WriteOptions) -> BuildReport:
    """Fill a new generation (from the current one if `incremental`) and swap it in, unless an
    update finds nothing to do; merge small segments when an update left enough of them.

    The generation in use is checked first (cheaply for an update, which may find nothing to
    do; in full before anything is written): a damaged one is passed over, the new generation
    is made from the corpus (and the intact one before it), and the damaged ones are deleted
    once it is in use."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"Corpusmap niet gevonden: {corpus_dir.resolve()}")
    started = time.perf_counter()
    return_large_allocations()
    with writable(index_dir), write_lock(index_dir):
        report = None
        if options.incremental:
            report = nothing_to_do(corpus_dir, intact_current(index_dir, verify=False))
        if report is None:
            intact = intact_current(index_dir, verify=True)
            report = _write_generation(corpus_dir, index_dir, options, intact, started)
        else:
            intact = Intact(index_dir / report.generation)
            report.refused = options.strict and bool(report.skipped)
            remove_abandoned(index_dir)
        swapped = report.generation and not report.refused and report.changed
        if swapped and report.incremental:
            report.merged = merge_when_due(index_dir, options.progress)
        remove_old_generations(index_dir, intact.damaged)
    report.seconds = time.perf_counter() - started
    notify(options.progress, Progress(DONE, report.documents_indexed, seconds=report.seconds))
    return report


def _write_generation(
    corpus_dir: Path, index_dir: Path, options: _WriteOptions, intact: Intact, started: float
) -> BuildReport:
    """Write the new generation and make it current (unless an update changed nothing and
    replaced nothing damaged, or a strict write skipped something)."""
    remove_abandoned(index_dir)
    generation = new_generation(index_dir)
    try:
        base = intact.generation if options.incremental else None
        report = BuildReport(generation=generation.name, passed_over=intact.passed_over)
        copied = _fill_generation(corpus_dir, generation, base, options, report)
        report.seconds = time.perf_counter() - started
        report.refused = options.strict and bool(report.skipped)
        if report.made_anew and not report.refused:
            _finish_generation(generation, report, copied)
            make_current(index_dir, generation.name)
        else:
            shutil.rmtree(generation)
            report.generation = intact.generation.name if intact.generation else ""
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return report


def _finish_generation(generation: Path, report: BuildReport, copied: dict) -> None:
    """The build facts and the manifest of files, flushed to disk: the generation is complete."""
    _write_meta(generation, report)
    write_manifest(generation, known=copied)
    sync_folder(generation)


def _fill_generation(
    corpus_dir: Path,
    generation: Path,
    base: Path | None,
    options: _WriteOptions,
    report: BuildReport,
) -> dict:
    """Write the corpus into `generation`, starting from `base` if it can be updated, telling
    `report`; the checksums of the files copied from `base` (see `copy_files`)."""
    ix, previous = start_generation(generation, base)
    report.incremental = previous is not None
    try:
        facts = None
        if previous is None:
            manifest, facts = build_segments(
                corpus_dir, generation, ix, report, options.progress, options.procs
            )
        else:
            manifest = update_segments(
                corpus_dir, generation, ix, previous, report, options.progress
            )
        if report.made_anew:
            # A rebuild's base (another schema, maybe another version) lends nothing.
            complete_generation(
                generation,
                previous=base if report.incremental else None,
                facts=facts,
                storage=MappedStorage(generation),
            )
            manifest.save(generation)
        report.chunks = live_chunks(ix)
    finally:
        ix.close()
    return previous.copied if previous is not None else {}


def _write_meta(generation: Path, report: BuildReport) -> None:
    meta = {
        "built": utc_now(),
        "documents": report.documents_indexed,
        "per_source": report.per_source,
        "chunks": report.chunks,
        "seconds": round(report.seconds, 2),
        "incremental": report.incremental,
        "skipped": [str(skip) for skip in report.skipped],
    }
    write_atomically(generation / META_FILE, json.dumps(meta, indent=2, ensure_ascii=False))
