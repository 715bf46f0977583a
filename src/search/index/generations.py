"""Index generations: the folders a writer fills, `CURRENT` naming the one in use, the writer lock.

An index directory holds generations (`gen-*` folders, each a complete Whoosh index) and a
`CURRENT` file naming the one in use. A writer (`build` or `update`, see `writing`) fills a fresh
generation beside the current one and rewrites `CURRENT` (atomically, by rename) only after a
successful commit, so a failed or killed writer leaves the previous index serving; the next
writer removes what it left behind.

Writers take an exclusive `flock` on `.lock`; the kernel releases it when a process dies, so a
killed writer never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import pickle
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage, Storage
from whoosh.filedb.structfile import StructFile
from whoosh.index import Index

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
META_FILE = "parlsearch.json"
GENERATION_PREFIX = "gen-"
# Generations kept besides the current one, so that searchers still reading them can finish.
KEEP_PREVIOUS = 1
# What flock answers on file systems that cannot lock (some network and FUSE file systems).
_CANNOT_LOCK = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)
# What unpickling an index's schema raises when it names classes or modules this version lacks.
_UNREADABLE_SCHEMA = (ImportError, AttributeError, pickle.UnpicklingError)


class IndexBusyError(RuntimeError):
    """Another process is writing this index."""


class IndexLockError(RuntimeError):
    """The index folder is on a file system where the writer lock cannot be taken."""


class NoIndexError(RuntimeError):
    """There is no index in the directory yet."""


class IndexVersionError(NoIndexError):
    """The index was written by another version of Parlsearch, whose schema this version cannot
    read (Whoosh pickles the schema's classes by module path); it must be rebuilt."""


def current_generation(index_dir: Path) -> Path:
    """The folder of the index in use; raises `NoIndexError` if none was built."""
    try:
        name = (Path(index_dir) / CURRENT_FILE).read_text().strip()
    except FileNotFoundError:
        raise NoIndexError(f"no index in {index_dir}; run `parlsearch build` first") from None
    generation = Path(index_dir) / name
    if not name.startswith(GENERATION_PREFIX) or not generation.is_dir():
        raise NoIndexError(f"{index_dir}/{CURRENT_FILE} names a missing index: {name!r}")
    return generation


def index_exists(index_dir: Path) -> bool:
    """Whether a built index that this version can read is in place."""
    try:
        open_index(current_generation(index_dir)).close()
    except NoIndexError:
        return False
    return True


def open_index(generation: Path, storage: Storage | None = None) -> Index:
    """The Whoosh index of a generation, through `storage` (default: plain files); raises
    `IndexVersionError` when another version of Parlsearch wrote it."""
    storage = storage or FileStorage(str(generation))
    try:
        return storage.open_index()
    except _UNREADABLE_SCHEMA as error:
        _close_files_of(error)
        raise IndexVersionError(
            f"the index in {generation} was built by another version of Parlsearch; "
            "run `parlsearch build`"
        ) from error


def _close_files_of(error: BaseException) -> None:
    """Close the files the failed call left open: Whoosh does not close the table of contents
    when its schema cannot be unpickled, which would leak the file until some later garbage
    collection (with a ResourceWarning)."""
    frame = error.__traceback__
    while frame is not None:
        for value in frame.tb_frame.f_locals.values():
            if isinstance(value, StructFile):
                value.close()
        frame = frame.tb_next


def read_meta(generation: Path) -> dict:
    """The build facts stored beside an index generation."""
    return json.loads((generation / META_FILE).read_text(encoding="utf-8"))


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock, or raise `IndexBusyError` at once if another holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise IndexBusyError(_busy_message(index_dir, lock.read())) from None
        except OSError as error:
            if error.errno not in _CANNOT_LOCK:
                raise
            raise IndexLockError(
                f"cannot lock {index_dir / LOCK_FILE} ({error.strerror}): its file system does "
                "not support file locks; put the index on a local disk (--index or "
                "$PARLSEARCH_INDEX)"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()} since {_timestamp()}")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


def make_current(index_dir: Path, name: str) -> None:
    write_atomically(index_dir / CURRENT_FILE, name + "\n")


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    _sync_path(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush a generation's files to disk before it is named current (for power loss; a killed
    process loses nothing the kernel already has)."""
    for path in folder.iterdir():
        if path.is_file():
            _sync_path(path)
    _sync_path(folder)


def _sync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def current_or_none(index_dir: Path) -> Path | None:
    try:
        return current_generation(index_dir)
    except NoIndexError:
        return None


def _generations(index_dir: Path) -> list[Path]:
    """The generation folders, oldest first."""
    folders = (p for p in index_dir.glob(GENERATION_PREFIX + "*") if p.is_dir())
    return sorted(folders, key=_generation_order)


def _generation_order(folder: Path) -> tuple[int, str]:
    """Generations are numbered in the order writers made them (older names count as 0)."""
    number = folder.name[len(GENERATION_PREFIX) :].split("-")[0]
    return (int(number) if number.isdigit() else 0), folder.name


def new_generation(index_dir: Path) -> Path:
    """Make the folder of the next generation: numbered after every existing one."""
    number = 1 + max((_generation_order(p)[0] for p in _generations(index_dir)), default=0)
    generation = index_dir / f"{GENERATION_PREFIX}{number:06d}-{_timestamp()}"
    generation.mkdir()
    return generation


def remove_abandoned(index_dir: Path, current: Path | None) -> None:
    """Delete what killed writers left: generations newer than the current one (no writer
    runs, we hold the lock, and no reader ever opened them) and temporary files."""
    order = _generation_order(current) if current else None
    for folder in _generations(index_dir):
        if order is None or _generation_order(folder) > order:
            shutil.rmtree(folder, ignore_errors=True)
    for temporary in index_dir.glob(".*.tmp"):
        temporary.unlink(missing_ok=True)


def remove_old_generations(index_dir: Path) -> None:
    """Delete generations older than the current one, except the newest `KEEP_PREVIOUS`."""
    order = _generation_order(current_generation(index_dir))
    older = [folder for folder in _generations(index_dir) if _generation_order(folder) < order]
    for folder in older[: len(older) - KEEP_PREVIOUS]:
        shutil.rmtree(folder, ignore_errors=True)


def _busy_message(index_dir: Path, holder: str) -> str:
    """Say who holds the writer lock, and what to do if the process that took it is gone."""
    found = re.search(r"process (\d+)", holder)
    pid = int(found[1]) if found else None
    if pid is None or _process_exists(pid):
        who = holder.strip() or "another process"
        return f"the index is busy: {who} is writing it; try again when it has finished"
    return (
        f"the index is busy: process {pid} took the writer lock and has ended, but a process it "
        f"started still holds the lock (an indexing worker?); `fuser -v {index_dir / LOCK_FILE}` "
        "shows it; end that process and try again"
    )


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
