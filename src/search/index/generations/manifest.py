"""A generation's manifest, and how the files on disk compare with it.

`MANIFEST.json`, written last before a generation is swapped in (`write_manifest`), lists each of
its files with its size, SHA-256 and modification time. A generation is complete when its
manifest is well-formed and lists a table of contents and the build facts, every file it lists
is a regular file of the listed size, and no file it does not list stands beside them (Whoosh's
lock and hidden files aside): a table of contents copied in would be read in place of the listed
one. `inspect_generation` tells with a `stat` per file, cheap enough before every search, and
gives the files' identity (size, times, inode, device of each), which any write, replacement or
change of permissions alters. `check_files` compares the files cheaply (each can be opened; one
is hashed only when its time differs from the listed one); `verify_files` hashes every one.

What the index reads whole (`CURRENT`, the manifests, the build facts) is read with
`read_regular_file`: a regular file only, never past a limit, opened without blocking, so that a
FIFO or a link to `/dev/zero` in its place neither hangs a reader nor fills its memory.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from search.errors import ParlsearchError

MANIFEST_FILE = "MANIFEST.json"
META_FILE = "parlsearch.json"
# Whoosh's own lock file in a generation ("MAIN_WRITELOCK"): no index data, never in a manifest.
WHOOSH_LOCK_SUFFIX = "WRITELOCK"
# The largest manifest read (a generation of 100,000 documents lists about 40 files in 6 KB).
MAX_MANIFEST_BYTES = 2**20
# What a manifest may name: a file of the generation's own folder.
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")
_TABLE_OF_CONTENTS = re.compile(r"_MAIN_\d+\.toc")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Threads that hash a generation's files.
_HASHING_THREADS = min(4, os.cpu_count() or 1)
# Why a file cannot be read, in Dutch, for the errors users meet.
_REASONS = {
    errno.EACCES: "geen leesrechten",
    errno.EPERM: "geen leesrechten",
    errno.EIO: "leesfout van de schijf",
    errno.ENOENT: "bestaat niet",
    errno.ELOOP: "een lus van symbolische koppelingen",
    errno.EISDIR: "is een map",
}

NO_MANIFEST = f"{MANIFEST_FILE} ontbreekt (een onvoltooide generatie)"


class ManifestFault(ParlsearchError):
    """What makes a generation's files disagree with its manifest, in Dutch (a missing,
    malformed or unreadable manifest, a file missing, of another size, changed, unreadable or
    not listed). Readers and writers report it as the generation's `DamagedIndexError`; its
    own text names a file but not the generation, so the web says only that the index is
    damaged."""

    status = 503
    public_message = "De zoekindex is beschadigd. Voer 'parlsearch build' uit."


@dataclass(frozen=True)
class Listed:
    """A file as the manifest lists it (`mtime_ns` None in manifests written before it was)."""

    size: int
    sha256: str
    mtime_ns: int | None = None


# (name, size, mtime_ns, ctime_ns, inode, device) of each file: what any change alters.
Identity = tuple[tuple[str, int, int, int, int, int], ...]


@dataclass(frozen=True)
class Inspection:
    """A complete generation's files as its manifest lists them, and their identity on disk
    when inspected."""

    listed: dict[str, Listed]
    identity: Identity

    @property
    def sizes(self) -> dict[str, int]:
        """Each file's size, by name."""
        return {name: listed.size for name, listed in self.listed.items()}


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes. Raises `OSError`
    when it cannot be opened or read, `ValueError` (in Dutch) when it is something else (a FIFO,
    a device, a folder) or larger."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("geen gewoon bestand")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"groter dan {limit} bytes")
    return data


def unreadable(error: OSError) -> str:
    """Why a file cannot be read, in Dutch."""
    return _REASONS.get(error.errno, error.strerror or type(error).__name__)


def read_manifest(generation: Path) -> dict[str, Listed]:
    """The files a generation's manifest lists, by name. Raises `ManifestFault` when there is
    none (`NO_MANIFEST`), when it cannot be read, or when it is not a manifest."""
    path = generation / MANIFEST_FILE
    try:
        data = read_regular_file(path, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise ManifestFault(NO_MANIFEST) from None
    except OSError as error:
        raise ManifestFault(f"{MANIFEST_FILE} is onleesbaar ({unreadable(error)})") from None
    except ValueError as error:
        raise ManifestFault(f"{MANIFEST_FILE} is {error}") from None
    try:
        files = json.loads(data)["files"]
        return {name: _listed(name, entry) for name, entry in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ManifestFault(f"{MANIFEST_FILE} is misvormd") from None


def _listed(name: str, entry: dict) -> Listed:
    """One entry of a manifest, checked; `ValueError` (or a `TypeError`, `KeyError`) if it is
    not one."""
    size, digest, mtime = entry["size"], entry["sha256"], entry.get("mtime_ns")
    if not (isinstance(name, str) and _FILE_NAME.fullmatch(name)) or name == MANIFEST_FILE:
        raise ValueError(name)
    if type(size) is not int or size < 0 or not (type(digest) is str and _SHA256.fullmatch(digest)):
        raise ValueError(name)
    if mtime is not None and type(mtime) is not int:
        raise ValueError(name)
    return Listed(size, digest, mtime)


def write_manifest(generation: Path, known: dict[str, tuple[str, tuple]] | None = None) -> None:
    """List every file of a finished generation with its size, SHA-256 and modification time,
    atomically (through a temporary file and a rename).

    `known`: checksums already verified of files a writer copied from the generation it started
    from, each with the `file_identity` the copy had then; a file whose identity has not changed
    since is not hashed again."""
    files = {}
    for path in sorted(generation.iterdir()):
        if path.is_file() and path.name != MANIFEST_FILE and not is_whoosh_lock(path.name):
            info = path.stat()
            digest, identity = (known or {}).get(path.name, (None, None))
            if digest is None or identity != file_identity(info):
                digest = file_sha256(path)
            files[path.name] = {
                "size": info.st_size,
                "sha256": digest,
                "mtime_ns": info.st_mtime_ns,
            }
    text = json.dumps({"files": files}, indent=1) + "\n"
    temporary = generation / f".{MANIFEST_FILE}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, generation / MANIFEST_FILE)


def file_identity(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What changes whenever a file is written, replaced or its permissions change: its size,
    modification and change times, inode and device."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev


def is_whoosh_lock(name: str) -> bool:
    """Whether a generation's file is Whoosh's lock file."""
    return name.endswith(WHOOSH_LOCK_SUFFIX)


def inspect_generation(generation: Path) -> Inspection:
    """A complete generation's files and their identity now (a `stat` per file, a listing of
    the folder); raises `ManifestFault` naming what makes it incomplete."""
    listed = read_manifest(generation)
    if META_FILE not in listed or not any(map(_TABLE_OF_CONTENTS.fullmatch, listed)):
        raise ManifestFault(f"{MANIFEST_FILE} noemt de inhoudstabel of {META_FILE} niet")
    try:
        present = {entry.name for entry in os.scandir(generation)}
    except OSError as error:
        raise ManifestFault(f"de map is onleesbaar ({unreadable(error)})") from None
    for name in sorted(present - listed.keys()):
        if name != MANIFEST_FILE and not name.startswith(".") and not is_whoosh_lock(name):
            raise ManifestFault(f"bestand {name} staat niet in het manifest")
    identity = []
    for name, entry in listed.items():
        try:
            info = (generation / name).stat()
        except FileNotFoundError:
            raise ManifestFault(f"bestand {name} ontbreekt") from None
        except OSError as error:
            raise ManifestFault(f"bestand {name} is onleesbaar ({unreadable(error)})") from None
        if not stat.S_ISREG(info.st_mode):
            raise ManifestFault(f"bestand {name} is geen gewoon bestand")
        if info.st_size != entry.size:
            raise ManifestFault(
                f"bestand {name} is {info.st_size} bytes in plaats van {entry.size}"
            )
        identity.append((name, *file_identity(info)))
    try:
        identity.append((MANIFEST_FILE, *file_identity((generation / MANIFEST_FILE).stat())))
    except OSError as error:
        raise ManifestFault(f"{MANIFEST_FILE} is onleesbaar ({unreadable(error)})") from None
    return Inspection(listed, tuple(identity))


def check_files(generation: Path, inspection: Inspection) -> None:
    """Compare a generation's files with its manifest cheaply: each can be opened, and one whose
    modification time is not the listed one is hashed. Raises `ManifestFault` naming the first
    fault."""
    times = {name: mtime_ns for name, _size, mtime_ns, *_ in inspection.identity}
    changed = []
    for name, listed in inspection.listed.items():
        try:
            os.close(os.open(generation / name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
        except OSError as error:
            raise ManifestFault(f"bestand {name} is onleesbaar ({unreadable(error)})") from None
        if listed.mtime_ns != times[name]:
            changed.append(name)
    _compare_checksums(generation, inspection, changed)


def verify_files(generation: Path, inspection: Inspection) -> None:
    """Compare every file of a generation with its manifest by its checksum. Raises
    `ManifestFault` naming the first fault."""
    _compare_checksums(generation, inspection, list(inspection.listed))


def _compare_checksums(generation: Path, inspection: Inspection, names: list[str]) -> None:
    # Hashing releases the GIL: the files are hashed on several cores, the faults seen in order.
    with ThreadPoolExecutor(max_workers=_HASHING_THREADS) as pool:
        digests = pool.map(_sha256_or_error, [generation / name for name in names])
        for name, digest in zip(names, digests, strict=True):
            if isinstance(digest, OSError):
                raise ManifestFault(f"bestand {name} is onleesbaar ({unreadable(digest)})")
            if digest != inspection.listed[name].sha256:
                raise ManifestFault(f"bestand {name} is gewijzigd (controlesom)")


def _sha256_or_error(path: Path) -> str | OSError:
    try:
        return file_sha256(path)
    except OSError as error:
        return error


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
