"""Index generations: the folders a writer fills, `CURRENT` naming the one in use, the writer lock.

An index directory holds generations (`gen-*` folders, each a complete Whoosh index) and a
`CURRENT` file naming the one in use. A writer (`build` or `update`, see `writing`) fills a fresh
generation beside the current one and rewrites `CURRENT` (atomically, by rename) only after a
successful commit, so a failed or killed writer leaves the previous index serving; the next
writer removes what it left behind.

Each generation carries a manifest (`MANIFEST.json`, written last, before the swap): the name,
size and SHA-256 of every file in it. A generation is complete when its manifest is there and
its files have the sizes it lists; only complete generations are searched, updated from or
kept. Readers take the generation `CURRENT` names when it is complete, else the newest complete
one, so a damaged or missing `CURRENT`, or a truncated file, never takes the site down while an
intact generation is left; the checksums are verified before a generation is first mapped
(`verify_generation`). Clean-up never deletes the newest two complete generations.

Writers take an exclusive `flock` on `.lock`; the kernel releases it when a process dies, so a
killed writer never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import pickle
import re
import shutil
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage, Storage
from whoosh.filedb.structfile import StructFile
from whoosh.index import Index

from search.errors import ParlsearchError

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
META_FILE = "parlsearch.json"
MANIFEST_FILE = "MANIFEST.json"
# Whoosh's own lock file in a generation ("MAIN_WRITELOCK"): no index data, never in a manifest.
WHOOSH_LOCK_SUFFIX = "WRITELOCK"
GENERATION_PREFIX = "gen-"
_GENERATION_NAME = re.compile(r"gen-[0-9A-Za-z_-]+")
# Complete generations kept: the one in use and the one before it, so that searchers still
# reading it can finish and a damaged newest one has an intact one to fall back on.
KEEP_COMPLETE = 2
# What flock answers on file systems that cannot lock (some network and FUSE file systems).
_CANNOT_LOCK = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)
# What unpickling an index's schema raises when it names classes or modules this version lacks.
# Threads that verify a generation's checksums.
_HASHING_THREADS = min(4, os.cpu_count() or 1)
_UNREADABLE_SCHEMA = (ImportError, AttributeError, pickle.UnpicklingError)


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


def current_generation(index_dir: Path, passed_over: Collection[Path] = ()) -> Path:
    """The generation to search: the one `CURRENT` names if it is complete, else the newest
    complete one (generations in `passed_over` left out). Raises `DamagedIndexError` naming
    the fault when generations are there but none is complete, else `NoIndexError`."""
    index_dir = Path(index_dir)
    named = generation_named_current(index_dir)
    candidates = [named] if named else []
    candidates += reversed(_generations(index_dir))
    first_fault = None
    for generation in candidates:
        if generation in passed_over:
            continue
        fault = size_fault(generation)
        if fault is None:
            return generation
        if first_fault is None and (generation == named or fault != _NO_MANIFEST):
            first_fault = generation, fault
    if first_fault:
        raise DamagedIndexError(*first_fault)
    if passed_over:
        generation = next(iter(passed_over))
        raise DamagedIndexError(generation, "geen enkele generatie van de index is intact")
    raise NoIndexError(f"Geen zoekindex in {index_dir.resolve()}; voer 'parlsearch build' uit.")


def generation_named_current(index_dir: Path) -> Path | None:
    """The generation `CURRENT` names, if it holds a generation's name (whatever else it holds,
    garbage or bytes that are not UTF-8, is no name)."""
    try:
        name = (Path(index_dir) / CURRENT_FILE).read_bytes().decode("utf-8", "replace").strip()
    except OSError:
        return None
    generation = Path(index_dir) / name
    return generation if _GENERATION_NAME.fullmatch(name) and generation.is_dir() else None


def index_exists(index_dir: Path) -> bool:
    """Whether a complete index that this version can read is in place."""
    try:
        open_index(current_generation(index_dir)).close()
    except NoIndexError:
        return False
    return True


def write_manifest(generation: Path, known: dict[str, str] | None = None) -> None:
    """List every file of a finished generation with its size and SHA-256, atomically.

    `known`: checksums already verified of files taken over unchanged from the generation a
    writer started from (hard links of the same files), not computed again."""
    files = {}
    for path in sorted(generation.iterdir()):
        if path.is_file() and path.name != MANIFEST_FILE and not _is_whoosh_lock(path):
            digest = (known or {}).get(path.name)
            if digest is None:
                digest = file_sha256(path)
            files[path.name] = {"size": path.stat().st_size, "sha256": digest}
    write_atomically(generation / MANIFEST_FILE, json.dumps({"files": files}, indent=1) + "\n")


def read_manifest(generation: Path) -> dict[str, dict] | None:
    """The files a generation's manifest lists (name -> size, sha256); None without one."""
    try:
        files = json.loads((generation / MANIFEST_FILE).read_bytes())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


_NO_MANIFEST = f"{MANIFEST_FILE} ontbreekt of is onleesbaar (een onvoltooide generatie)"


def size_fault(generation: Path) -> str | None:
    """What makes a generation incomplete (no manifest, a file missing or of another size than
    listed), or None. A `stat` per file: cheap enough to ask before every search."""
    files = read_manifest(generation)
    if files is None:
        return _NO_MANIFEST
    for name, listed in files.items():
        try:
            size = (generation / name).stat().st_size
        except OSError:
            return f"bestand {name} ontbreekt"
        if size != listed.get("size"):
            return f"bestand {name} is {size} bytes in plaats van {listed.get('size')}"
    return None


def verify_generation(generation: Path) -> dict[str, int]:
    """Check every file of a generation against its manifest, checksums included; the size of
    each file by name. Raises `DamagedIndexError` naming the first fault."""
    fault = size_fault(generation)
    if fault is not None:
        raise DamagedIndexError(generation, fault)
    files = read_manifest(generation) or {}
    # Hashing releases the GIL: the files are hashed on several cores, the faults seen in order.
    with ThreadPoolExecutor(max_workers=_HASHING_THREADS) as pool:
        digests = pool.map(file_sha256, [generation / name for name in files])
        for (name, listed), digest in zip(files.items(), digests, strict=True):
            if digest != listed.get("sha256"):
                raise DamagedIndexError(generation, f"bestand {name} is gewijzigd (controlesom)")
    return {name: listed["size"] for name, listed in files.items()}


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _is_whoosh_lock(path: Path) -> bool:
    return path.name.endswith(WHOOSH_LOCK_SUFFIX)


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
    """Say in one line when the index folder cannot be written (read-only, someone else's)."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise IndexNotWritableError(
            f"Kan niet schrijven in {Path(error.filename or index_dir).resolve()}: "
            "geen schrijfrechten (of een alleen-lezen bestandssysteem). De index in gebruik "
            "blijft zoals hij is."
        ) from None


def intact_current(index_dir: Path, passed_over: list[str], verify: bool) -> Path | None:
    """The generation to update from: the one readers search, with `verify` its checksums
    verified. What was passed over on the way (a damaged generation, a `CURRENT` that names
    none) is described in `passed_over`."""
    damaged: list[Path] = []
    while (current := current_or_none(index_dir, damaged)) is not None:
        try:
            if verify:
                verify_generation(current)
            break
        except DamagedIndexError as error:
            damaged.append(current)
            passed_over.append(f"{current.name}: {error.fault}")
    named = generation_named_current(index_dir)
    if named is None and (index_dir / CURRENT_FILE).exists():
        passed_over.append(f"{CURRENT_FILE} noemt geen generatie van deze index")
    elif named is not None and named != current and named not in damaged:
        passed_over.append(f"{named.name}: {size_fault(named)}")
    return current


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


def current_or_none(index_dir: Path, passed_over: Collection[Path] = ()) -> Path | None:
    """The generation `current_generation` picks, or None when none is complete."""
    try:
        return current_generation(index_dir, passed_over)
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


def remove_abandoned(index_dir: Path) -> None:
    """Delete what killed writers left: generations that are not complete (we hold the writer
    lock, so no writer is filling one) and temporary files. A complete generation is an index
    that can be served, whatever `CURRENT` says, and stays."""
    for folder in _generations(index_dir):
        if size_fault(folder) is not None:
            shutil.rmtree(folder, ignore_errors=True)
    for temporary in index_dir.glob(".*.tmp"):
        temporary.unlink(missing_ok=True)


def remove_old_generations(index_dir: Path) -> None:
    """Delete every generation but the one in use and the newest `KEEP_COMPLETE` complete
    ones."""
    kept = {current_generation(index_dir), *_complete_generations(index_dir)[-KEEP_COMPLETE:]}
    for folder in _generations(index_dir):
        if folder not in kept:
            shutil.rmtree(folder, ignore_errors=True)


def _complete_generations(index_dir: Path) -> list[Path]:
    """The complete generations, oldest first."""
    return [folder for folder in _generations(index_dir) if size_fault(folder) is None]


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
