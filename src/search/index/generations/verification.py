"""`parlsearch verify`: every generation of an index checked against its manifest, checksums
included, and which one the readers search.

Readers and writers check only the generation they use (readers before they map it and on a
timer, writers before they start from it); this reads every file of every generation, so that
damage to the generation that would be fallen back on is found before it is needed. It writes
nothing: a damaged generation is replaced by the next `update` or `build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from search.index.generations.folders import (
    DamagedIndexError,
    NoIndexError,
    current_generation,
    generation_folders,
    generation_named_current,
    verify_generation,
)
from search.index.generations.manifest import NO_MANIFEST, read_manifest


@dataclass(frozen=True)
class GenerationCheck:
    """One generation as `verify_index` found it: intact (`fault` None), damaged, or
    unfinished (a writer's folder without a manifest); its files and their bytes; the other
    generations it shares files with (hard links, as older versions made them)."""

    name: str
    fault: str | None
    unfinished: bool
    files: int
    size: int
    shares_with: tuple[str, ...] = ()

    @property
    def damaged(self) -> bool:
        """Whether its files disagree with its manifest (an unfinished folder is no damage)."""
        return self.fault is not None and not self.unfinished


@dataclass(frozen=True)
class IndexCheck:
    """Every generation of an index, oldest first; the one readers search (None: none is
    intact); and what `CURRENT` names (None: nothing that is there)."""

    generations: list[GenerationCheck]
    in_use: str | None
    named_current: str | None

    @property
    def damaged(self) -> list[GenerationCheck]:
        """The damaged generations."""
        return [check for check in self.generations if check.damaged]


def verify_index(index_dir: Path) -> IndexCheck:
    """Verify every generation of the index in `index_dir`; raises `NoIndexError` when there
    is none (or the folder cannot be read)."""
    index_dir = Path(index_dir)
    folders = generation_folders(index_dir)
    if not folders:
        raise NoIndexError(f"Geen zoekindex in {index_dir.resolve()}.")
    checks = [_checked(folder) for folder in folders]
    damaged = [index_dir / check.name for check in checks if check.fault is not None]
    try:
        in_use = current_generation(index_dir, damaged).name
    except NoIndexError:
        in_use = None
    named = generation_named_current(index_dir)
    return IndexCheck(_with_shared_files(folders, checks), in_use, named and named.name)


def _checked(folder: Path) -> GenerationCheck:
    try:
        files = [path for path in folder.iterdir() if path.is_file()]
        size = sum(path.stat().st_size for path in files)
    except OSError:
        files, size = [], 0
    try:
        verify_generation(folder)
    except DamagedIndexError as error:
        unfinished = error.fault == NO_MANIFEST
        return GenerationCheck(folder.name, error.fault, unfinished, len(files), size)
    return GenerationCheck(folder.name, None, False, len(read_manifest(folder)), size)


def _with_shared_files(folders: list[Path], checks: list[GenerationCheck]) -> list[GenerationCheck]:
    """The checks, each with the other generations that hold one of its files (the same inode
    under another name: damage to one is damage to both)."""
    holders: dict[tuple[int, int], set[str]] = {}
    for folder in folders:
        try:
            infos = [path.stat() for path in folder.iterdir() if path.is_file()]
        except OSError:
            continue
        for info in infos:
            holders.setdefault((info.st_dev, info.st_ino), set()).add(folder.name)
    shared = {check.name: set() for check in checks}
    for names in holders.values():
        for name in names:
            shared[name] |= names - {name}
    return [
        GenerationCheck(**{**vars(check), "shares_with": tuple(sorted(shared[check.name]))})
        for check in checks
    ]
