"""What a writer tells: where a build, update or optimize is while it runs (`Progress`, for a
listener such as the command line's progress lines), and what it did when done (`BuildReport`,
`MergeReport`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from search.ingest.corpus import SkippedFile

READING, INDEXING, WRITING, MERGING, DONE = "reading", "indexing", "writing", "merging", "done"


@dataclass(frozen=True)
class Progress:
    """Where a build or update is: its phase (reading the corpus, indexing documents, writing
    the index, merging segments, done) and, while indexing and when done, documents so far of
    all and seconds."""

    phase: str
    done: int = 0
    total: int = 0
    seconds: float = 0.0


ProgressListener = Callable[[Progress], None]


def notify(listener: ProgressListener | None, progress: Progress) -> None:
    """Tell `listener`, if there is one, where the writer is."""
    if listener is not None:
        listener(progress)


@dataclass
class BuildReport:
    """What a build or an update did; documents read = documents indexed + duplicates."""

    documents_read: int = 0
    documents_indexed: int = 0
    chunks: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    per_source: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    # Whether the new generation started from the current one (an update) or empty (a build).
    incremental: bool = False
    # A strict write that skipped files: its generation was not made current.
    refused: bool = False
    # Generations passed over because they were damaged, and why (see `intact_current`).
    passed_over: list[str] = field(default_factory=list)
    # Corpus files read (an update reads only those that changed) and segments merged after.
    files_read: int = 0
    # Whether an update found the corpus files otherwise than the generation it started from
    # lists them (new, gone, changed or only touched, or read by other code), whatever their
    # documents: the new generation records them, so that the next update need not read them
    # again.
    corpus_changed: bool = False
    merged: MergeReport | None = None

    @property
    def skipped_count(self) -> int:
        """The files and records that could not be read (`skipped` lists the first ones of
        each file, and one for the rest)."""
        return sum(skip.count for skip in self.skipped)

    @property
    def changed(self) -> bool:
        """Whether any document was added, replaced or removed."""
        return bool(self.added or self.replaced or self.removed)

    @property
    def made_anew(self) -> bool:
        """Whether the write makes a new generation: a build, or an update that changed a
        document or the corpus files, or passed over a damaged generation (which the new one
        replaces)."""
        return self.changed or self.corpus_changed or not self.incremental or bool(self.passed_over)


@dataclass
class MergeReport:
    """Segments merged into one (by an update, or `optimize_index`), and the generation made."""

    segments: int = 0
    chunks: int = 0
    seconds: float = 0.0
    generation: str = ""
    # Generations passed over because they were damaged, and why (see `intact_current`).
    passed_over: list[str] = field(default_factory=list)
