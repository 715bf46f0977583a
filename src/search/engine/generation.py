"""The index generation a search reads: what all threads share of it, and a searcher per thread.

Everything a search computes with is shared by all threads and, through the operating system's
page cache, by all processes: the postings arrays of each segment, the document table and the
vocabulary, each a memory-mapped file of the generation (`search.index.arrays`: `postings`,
`document_table`, `vocabulary`), opened once by the first thread that needs them, in
milliseconds. Whoosh searchers cannot be shared between threads (see
`search.index.generations.mapped_storage`), so each thread opens its own for what it still reads
through Whoosh (a chunk's stored fields, as a typed record:
`search.index.generations.stored_chunks`); all of them read the same mapped files. A thread
moves to a new generation on its first search after a writer swapped it in.

Before each search the generation is chosen anew (`current_generation`: the one `CURRENT`
names if its files have the sizes its manifest lists, else the newest complete one), and before
a generation is first mapped its checksums are verified. A file truncated under a running server
(reading a mapped page past the end of a file kills the process with SIGBUS) is seen by the
size check of the next search, which then moves to an intact generation or, without one, answers
`DamagedIndexError`; one whose checksum fails is passed over for the life of the process.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from pathlib import Path

from whoosh.fields import Schema

from search.engine.coverage import Coverage
from search.engine.coverage import coverage as table_coverage
from search.engine.query.fields import SCOPE_FIELDS
from search.engine.query.names import PeopleNames
from search.engine.query.parse import make_parser
from search.engine.ranking import weighting
from search.index.arrays.document_table import DocumentTable
from search.index.arrays.postings import Postings
from search.index.arrays.vocabulary import Vocabulary
from search.index.generations.folders import (
    DamagedIndexError,
    current_generation,
    open_index,
    read_meta,
    verify_generation,
)
from search.index.generations.mapped_storage import MappedStorage
from search.index.generations.stored_chunks import StoredChunk, StoredChunks
from search.text.analysis import use_known_terms

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedGeneration:
    """What all threads share of one index generation."""

    path: Path
    storage: MappedStorage
    schema: Schema
    postings: Postings
    table: DocumentTable
    vocabulary: Vocabulary
    names: PeopleNames

    @classmethod
    def open(cls, generation: Path, sizes: dict[str, int] | None = None) -> SharedGeneration:
        """Map a generation's files (and compute what an older generation lacks); `sizes`:
        each file's size as its manifest lists it (see `MappedStorage`)."""
        storage = MappedStorage(generation, sizes)
        ix = open_index(generation, storage)
        postings = Postings.of_index(generation, ix)
        table = DocumentTable.open(generation)
        vocabulary = Vocabulary.open(generation)
        names = PeopleNames.of_table(table)
        return cls(generation, storage, ix.schema, postings, table, vocabulary, names)

    @cached_property
    def coverage(self) -> Coverage:
        """What the generation holds (computed once, when first asked for)."""
        return table_coverage(self.table, read_meta(self.path)["built"])


@dataclass
class OpenGeneration:
    """A generation as one thread searches it: its own stored chunks (through a searcher of its
    own) and parsers over what is shared."""

    shared: SharedGeneration
    stored: StoredChunks
    parsers: dict[str, object]

    @property
    def path(self) -> Path:
        return self.shared.path

    @property
    def postings(self) -> Postings:
        return self.shared.postings

    @property
    def table(self) -> DocumentTable:
        return self.shared.table

    @property
    def vocabulary(self) -> Vocabulary:
        return self.shared.vocabulary

    @property
    def names(self) -> PeopleNames:
        return self.shared.names

    def document_chunks(self, ordinal: int) -> list[StoredChunk]:
        """A document's stored chunks, in reading order."""
        chunks = map(self.stored.chunk, self.table.chunks(ordinal))
        return sorted(chunks, key=attrgetter("position"))


class Generations:
    """Each thread's `OpenGeneration` of the index in use in `index_dir`."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._shared: dict[Path, SharedGeneration] = {}
        self._shared_lock = threading.Lock()
        # Generations whose checksums failed: never mapped, never chosen again.
        self._damaged: set[Path] = set()

    def current(self) -> OpenGeneration:
        """This thread's searcher on the current generation, opened or renewed as needed."""
        generation = current_generation(self.index_dir, self._damaged)
        state = getattr(self._local, "state", None)
        if state is None or state.path != generation:
            if state is not None:
                state.stored.close()
            shared = self._shared_generation(generation)
            ix = open_index(generation, shared.storage)
            stored = StoredChunks(ix.searcher(weighting=weighting()))
            parsers = {
                scope: make_parser(shared.schema, fields) for scope, fields in SCOPE_FIELDS.items()
            }
            state = OpenGeneration(shared, stored, parsers)
            self._local.state = state
        return state

    def close(self) -> None:
        """Close this thread's searcher."""
        state = getattr(self._local, "state", None)
        if state is not None:
            state.stored.close()
            self._local.state = None

    def _shared_generation(self, generation: Path) -> SharedGeneration:
        """The shared part of a generation, opened by the first thread that needs it."""
        with self._shared_lock:
            if generation not in self._shared:
                try:
                    sizes = verify_generation(generation)
                except DamagedIndexError as error:
                    _log.error("%s", error)
                    self._damaged.add(generation)
                    raise
                shared = SharedGeneration.open(generation, sizes)
                # Words the generation's texts hold are looked up, not analysed again.
                use_known_terms(shared.vocabulary.terms)
                # Only the current generation is kept here; threads still searching an older
                # one keep its maps alive through their searchers until they move on.
                self._shared = {generation: shared}
            return self._shared[generation]
