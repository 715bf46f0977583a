"""Index generations: the folders a writer fills, `CURRENT` naming the one in use, the writer lock.

An index directory holds generations (`gen-*` folders, each a complete Whoosh index) and a
`CURRENT` file naming the one in use. A writer (`build` or `update`, see `writing`) fills a fresh
generation beside the current one and rewrites `CURRENT` (atomically, by rename) only after a
successful commit, so a failed or killed writer leaves the previous index serving; the next
writer removes what it left behind.

Each generation carries a manifest (`manifest`: `MANIFEST.json`, written last, before the swap:
the name, size, modification time and SHA-256 of every file in it). A generation is complete
when its manifest is well-formed and its files are there with the sizes it lists, and no others;
only complete generations are searched, updated from or kept. Readers take the generation
`CURRENT` names when it is complete, else the newest complete one (`chosen_generation`), so a
damaged or missing `CURRENT`, or a truncated file, never takes the site down while an intact
generation is left; a generation's checksums are verified before it is first mapped
(`verify_generation`), and the files' identity is compared before each search (see
`search.engine.generation`). Writers check the generation they start from the same way and pass
over a damaged one; clean-up never deletes the newest two intact generations.

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
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage, Storage
from whoosh.filedb.structfile import StructFile
from whoosh.index import Index

from search.errors import ParlsearchError
from search.index.generations.manifest import (
    META_FILE,
    NO_MANIFEST,
    Inspection,
    ManifestFault,
    check_files,
    inspect_generation,
    read_regular_file,
    unreadable,
    verify_files,
)

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
GENERATION_PREFIX = "gen-"
_GENERATION_NAME = re.compile(r"gen-[0-9A-Za-z_-]+")
# `CURRENT` holds one generation's name: anything longer is garbage, and is not read further.
_MAX_CURRENT_BYTES = 4096
# The build facts of a generation (`parlsearch.json`): a few hundred bytes, a summary of what was
# skipped included.
_MAX_META_BYTES = 2**20
# Complete generations kept: the one in use and the one before it, so that searchers still
# reading it can finish and a damaged newest one has an intact one to fall back on (each
# generation holds files of its own: see `generation_files`).
KEEP_COMPLETE = 2
# What flock answers on file systems that cannot lock (some network and FUSE file systems).
_CANNOT_LOCK = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)
# What unpickling an index's schema raises when it names classes or modules this version lacks.
_UNREADABLE_SCHEMA = (ImportError, AttributeError, pickle.UnpicklingError)
# What a writer reports in one line when the disk is full (or the user's quota used up).
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class IndexBusyError(ParlsearchError, RuntimeError):
    """Another process is writing this index."""


class IndexLockError(ParlsearchError, RuntimeError):
    """The index folder is on a file system where the writer lock cannot be taken."""


class IndexNotWritableError(ParlsearchError, OSError):
    """The index folder cannot be written: read-only, or another user's."""


class NoIndexError(ParlsearchError, RuntimeError):
    """There is no index in the directory yet. Its text names the folder, which the web does
    not show."""

    status = 503
    public_message = "De zoekindex is nog niet gebouwd. Voer 'parlsearch build' uit."


class DamagedIndexError(NoIndexError):
    """The files of a generation do not match its manifest: missing, truncated or changed. Its
    text names the generation by its folder's name and the fault, and the web shows it."""

    public_message = None

    def __init__(self, generation: Path, fault: str) -> None:
        super().__init__(
            f"De zoekindex {generation.name} is beschadigd: {fault}. Voer 'parlsearch build' uit."
        )
        self.generation = generation
        self.fault = fault


class IndexVersionError(NoIndexError):
    """The index was written by another version of Parlsearch, whose schema this version cannot
    read (Whoosh pickles the schema's classes by module path); it must be rebuilt."""

    public_message = (
        "De zoekindex is gebouwd door een andere versie van Parlsearch. "
        "Voer 'parlsearch build' uit."
    )


class IndexUnreadableError(NoIndexError):
    """The index folder cannot be read (no permission to list it), or is no folder. Its text
    names the folder, which the web does not show."""

    public_message = (
        "De zoekindex kan niet gelezen worden: de indexmap is onleesbaar (geen leesrechten) "
        "of geen map. De beheerder moet dat nakijken."
    )


def current_generation(index_dir: Path, passed_over: Collection[Path] = ()) -> Path:
    """The generation to search (see `chosen_generation`)."""
    return chosen_generation(index_dir, passed_over)[0]


def chosen_generation(
    index_dir: Path, passed_over: Collection[Path] = ()
) -> tuple[Path, Inspection]:
    """The generation to search, with its files as inspected: the one `CURRENT` names if it is
    complete, else the newest complete one (generations in `passed_over` left out). Raises
    `DamagedIndexError` naming the fault when generations are there but none is complete, or
    when `CURRENT` names one that is gone and none is left; `IndexUnreadableError` when the
    folder cannot be read; else `NoIndexError`."""
    index_dir = Path(index_dir)
    generations = generation_folders(index_dir)
    name = _name_in_current(index_dir)
    named = index_dir / name if name else None
    candidates = [named] if named in generations else []
    first_fault = None
    for generation in [*candidates, *reversed(generations)]:
        if generation in passed_over:
            continue
        try:
            return generation, inspect_generation(generation)
        except ManifestFault as fault:
            if first_fault is None and (generation == named or str(fault) != NO_MANIFEST):
                first_fault = generation, str(fault)
    if first_fault:
        raise DamagedIndexError(*first_fault)
    if passed_over:
        generation = next(iter(passed_over))
        raise DamagedIndexError(generation, "geen enkele generatie van de index is intact")
    if named is not None:
        raise DamagedIndexError(named, f"de map ontbreekt (maar {CURRENT_FILE} noemt haar)")
    raise NoIndexError(f"Geen zoekindex in {index_dir.resolve()}; voer 'parlsearch build' uit.")


def generation_named_current(index_dir: Path) -> Path | None:
    """The generation `CURRENT` names, if it holds a generation's name of a folder that is
    there (see `_name_in_current`)."""
    name = _name_in_current(index_dir)
    generation = Path(index_dir) / name if name else None
    return generation if generation is not None and generation.is_dir() else None


def _name_in_current(index_dir: Path) -> str | None:
    """The generation's name `CURRENT` holds, if any: whatever else it holds, or is (garbage,
    bytes that are not UTF-8, a FIFO, a device, a large file), names nothing."""
    try:
        data = read_regular_file(Path(index_dir) / CURRENT_FILE, _MAX_CURRENT_BYTES)
    except (OSError, ValueError):
        return None
    name = data.decode("utf-8", "replace").strip()
    return name if _GENERATION_NAME.fullmatch(name) else None


def index_exists(index_dir: Path) -> bool:
    """Whether a complete index that this version can read is in place."""
    try:
        open_index(current_generation(index_dir)).close()
    except (NoIndexError, OSError):
        return False
    return True


def size_fault(generation: Path) -> str | None:
    """What makes a generation incomplete (see `manifest.inspect_generation`), or None. A
    `stat` per file: cheap enough to ask before every search."""
    try:
        inspect_generation(generation)
    except ManifestFault as fault:
        return str(fault)
    return None


def verify_generation(generation: Path) -> Inspection:
    """Check every file of a generation against its manifest, checksums included; its files as
    inspected before they were hashed. Raises `DamagedIndexError` naming the first fault."""
    return _compared(generation, verify_files)


def check_generation(generation: Path) -> Inspection:
    """Check a generation against its manifest cheaply: complete, every file readable, and the
    checksum of each file whose time is not the listed one (see `manifest.check_files`).
    Raises `DamagedIndexError` naming the first fault."""
    return _compared(generation, check_files)


def _compared(generation: Path, compare: Callable[[Path, Inspection], None]) -> Inspection:
    try:
        inspection = inspect_generation(generation)
        compare(generation, inspection)
    except ManifestFault as fault:
        raise DamagedIndexError(generation, str(fault)) from None
    return inspection


def open_index(generation: Path, storage: Storage | None = None) -> Index:
    """The Whoosh index of a generation, through `storage` (default: plain files); raises
    `IndexVersionError` when another version of Parlsearch wrote it."""
    storage = storage or FileStorage(str(generation))
    try:
        return storage.open_index()
    except _UNREADABLE_SCHEMA as error:
        _close_files_of(error)
        raise IndexVersionError(
            f"De index in {generation} is gebouwd door een andere versie van Parlsearch; "
            "voer 'parlsearch build' uit."
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
    return json.loads(read_regular_file(generation / META_FILE, _MAX_META_BYTES))


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock, or raise `IndexBusyError` at once if another holds it."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexNotWritableError(
            f"{index_dir.resolve()} is een bestand, geen map: kies een map voor de index "
            "(--index of $PARLSEARCH_INDEX)."
        )
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
                f"Kan {index_dir / LOCK_FILE} niet vergrendelen ({error.strerror}): het "
                "bestandssysteem ondersteunt geen bestandsvergrendeling; zet de index op een "
                "lokale schijf (--index of $PARLSEARCH_INDEX)."
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"proces {os.getpid()} sinds {_timestamp()}")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def writable(index_dir: Path) -> Iterator[None]:
    """Say in one line when the index folder cannot be written (read-only, someone else's, a
    full disk, a path through a file) or a file in it cannot be read."""
    try:
        yield
    except OSError as error:
        path = Path(error.filename or index_dir).resolve()
        if error.errno in _DISK_FULL:
            raise IndexNotWritableError(
                f"Kan niet schrijven in {path}: de schijf is vol ({unreadable(error)}). De "
                "onvoltooide index is weggehaald; de index in gebruik blijft zoals hij is."
            ) from None
        if error.errno in (errno.ENOTDIR, errno.EEXIST):
            raise IndexNotWritableError(
                f"Kan niet schrijven in {path}: een deel van dat pad is een bestand, geen map."
            ) from None
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        if error.errno != errno.EROFS and path.exists() and not os.access(path, os.R_OK):
            raise IndexUnreadableError(
                f"Kan {path} niet lezen: geen leesrechten. De index in gebruik blijft zoals hij is."
            ) from None
        raise IndexNotWritableError(
            f"Kan niet schrijven in {path}: geen schrijfrechten (of een alleen-lezen "
            "bestandssysteem). De index in gebruik blijft zoals hij is."
        ) from None


@dataclass
class Intact:
    """The generation a writer starts from (None: none is intact), and what it passed over on
    the way: the damaged generations, and each thing passed over described."""

    generation: Path | None = None
    damaged: list[Path] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)


def intact_current(index_dir: Path, verify: bool) -> Intact:
    """The generation to update from: the one readers search, its files compared with its
    manifest (`verify`: every checksum; else cheaply, see `check_generation`), and what was
    passed over on the way (a damaged generation, a `CURRENT` that names none)."""
    found = Intact()
    while (current := current_or_none(index_dir, found.damaged)) is not None:
        try:
            (verify_generation if verify else check_generation)(current)
        except DamagedIndexError as error:
            found.damaged.append(current)
            found.passed_over.append(f"{current.name}: {error.fault}")
            continue
        found.generation = current
        break
    named = generation_named_current(index_dir)
    if named is None and os.path.lexists(index_dir / CURRENT_FILE):
        found.passed_over.append(f"{CURRENT_FILE} noemt geen generatie van deze index")
    elif named is not None and named != found.generation and named not in found.damaged:
        found.passed_over.append(f"{named.name}: {size_fault(named)}")
    return found


def make_current(index_dir: Path, name: str) -> None:
    write_atomically(index_dir / CURRENT_FILE, name + "\n")


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` as a whole (through a temporary file, flushed, and a rename);
    a failed write (a full disk) leaves neither the temporary file nor a half-written `path`."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
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


def current_or_none(index_dir: Path, passed_over: Collection[Path] = ()) -> Path | None:
    """The generation `current_generation` picks, or None when none is complete."""
    try:
        return current_generation(index_dir, passed_over)
    except NoIndexError:
        return None


def generation_folders(index_dir: Path) -> list[Path]:
    """The generation folders, oldest first (none when the index folder is not there); raises
    `IndexUnreadableError` when it cannot be listed."""
    try:
        entries = list(os.scandir(index_dir))
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise IndexUnreadableError(f"{index_dir.resolve()} is een bestand, geen map.") from None
    except OSError as error:
        raise IndexUnreadableError(
            f"De indexmap {index_dir.resolve()} kan niet gelezen worden ({unreadable(error)})."
        ) from None
    folders = (
        index_dir / entry.name
        for entry in entries
        if entry.name.startswith(GENERATION_PREFIX) and entry.is_dir()
    )
    return sorted(folders, key=_generation_order)


def _generation_order(folder: Path) -> tuple[int, str]:
    """Generations are numbered in the order writers made them (older names count as 0)."""
    number = folder.name[len(GENERATION_PREFIX) :].split("-")[0]
    return (int(number) if number.isdigit() else 0), folder.name


def new_generation(index_dir: Path) -> Path:
    """Make the folder of the next generation: numbered after every existing one."""
    number = 1 + max((_generation_order(p)[0] for p in generation_folders(index_dir)), default=0)
    generation = index_dir / f"{GENERATION_PREFIX}{number:06d}-{_timestamp()}"
    generation.mkdir()
    return generation


def remove_abandoned(index_dir: Path) -> None:
    """Delete what killed writers left: generations that are not complete (we hold the writer
    lock, so no writer is filling one) and temporary files. A complete generation is an index
    that can be served, whatever `CURRENT` says, and stays."""
    for folder in generation_folders(index_dir):
        if size_fault(folder) is not None:
            shutil.rmtree(folder, ignore_errors=True)
    for temporary in index_dir.glob(".*.tmp"):
        temporary.unlink(missing_ok=True)


def remove_old_generations(index_dir: Path, damaged: Collection[Path] = ()) -> None:
    """Delete every generation but the one in use and the newest `KEEP_COMPLETE` complete
    ones, none of them among the `damaged` ones a writer found (those are deleted too); while
    no intact generation is in use, nothing."""
    current = current_or_none(index_dir, damaged)
    if current is None:
        return
    intact = [folder for folder in _complete_generations(index_dir) if folder not in damaged]
    kept = {current, *intact[-KEEP_COMPLETE:]}
    for folder in generation_folders(index_dir):
        if folder not in kept:
            shutil.rmtree(folder, ignore_errors=True)


def _complete_generations(index_dir: Path) -> list[Path]:
    """The complete generations, oldest first."""
    return [folder for folder in generation_folders(index_dir) if size_fault(folder) is None]


def _busy_message(index_dir: Path, holder: str) -> str:
    """Say who holds the writer lock, and what to do if the process that took it is gone."""
    found = re.search(r"proces+ (\d+)", holder)
    pid = int(found[1]) if found else None
    if pid is None or _process_exists(pid):
        who = holder.strip()
        return (
            f"De index is bezet: {who or 'een ander proces'} schrijft hem; probeer het opnieuw "
            "als dat klaar is."
        )
    return (
        f"De index is bezet: proces {pid} nam het schrijfslot en is gestopt, maar een proces "
        f"dat het startte houdt het slot nog vast (een indexeerproces?); "
        f"'fuser -v {index_dir / LOCK_FILE}' toont het; stop dat proces en probeer opnieuw."
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
