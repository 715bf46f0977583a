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

Before each search the generation is chosen anew (`chosen_generation`: the one `CURRENT` names
if its files are as its manifest lists them, else the newest complete one) and its files'
identity (size, times, inode of each: a `stat` per file) compared with what it was when this
process verified their checksums, before the generation was first mapped. Any change (bytes
overwritten in place, a file replaced, its permissions changed) has the checksums verified again
before the search goes on; a file truncated under a running server (reading a mapped page past
the end of a file kills the process with SIGBUS) fails the size check first. A generation whose
checksums fail, or whose files cannot be read, is passed over for as long as its files stay as
they were: the search that finds it answers `DamagedIndexError` (a 503 naming the fault), later
ones read the next intact generation. Every process applies the same rule to the same files, so
all of them answer from the same generation. What no `stat` shows (a failing disk) is found by
verifying the generation in use again, in the background, once it was last verified more than
`REVERIFY_SECONDS` ago, and when a server process starts (`Generations.prepare`).
"""

from __future__ import annotations

import logging
import threading
import time
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
    NoIndexError,
    chosen_generation,
    open_index,
    read_meta,
    verify_generation,
)
from search.index.generations.manifest import (
    Identity,
    Inspection,
    ManifestFault,
    inspect_generation,
    unreadable,
)
from search.index.generations.mapped_storage import MappedStorage
from search.index.generations.stored_chunks import StoredChunk, StoredChunks
from search.text.analysis import use_known_terms

# Seconds after which the generation in use has its checksums verified again (in the background,
# started by a search): damage that changes no file's size, times or inode is found by then.
REVERIFY_SECONDS = 300.0

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


@dataclass(frozen=True)
class _Verdict:
    """What this process found when it verified a generation's checksums: whether they held,
    for the files as they were then (`identity`), and when (`time.monotonic()`)."""

    identity: Identity
    intact: bool
    at: float


class Generations:
    """Each thread's `OpenGeneration` of the index in use in `index_dir`."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._shared: dict[Path, SharedGeneration] = {}
        self._lock = threading.Lock()
        self._verdicts: dict[Path, _Verdict] = {}
        self._reverifying = False

    def current(self) -> OpenGeneration:
        """This thread's searcher on the current generation, opened or renewed as needed."""
        shared = self._intact_generation()
        state = getattr(self._local, "state", None)
        if state is None or state.shared is not shared:
            if state is not None:
                state.stored.close()
            ix = open_index(shared.path, shared.storage)
            stored = StoredChunks(ix.searcher(weighting=weighting()))
            parsers = {
                scope: make_parser(shared.schema, fields) for scope, fields in SCOPE_FIELDS.items()
            }
            state = OpenGeneration(shared, stored, parsers)
            self._local.state = state
        return state

    def prepare(self) -> list[DamagedIndexError]:
        """Verify and map the generation to search now (a server process does so when it
        starts, so that it never maps a generation another found damaged); the damaged
        generations passed over on the way, each also logged. What is left (no index, none
        intact) the searches report."""
        passed_over: list[DamagedIndexError] = []
        while True:
            try:
                self._intact_generation()
            except DamagedIndexError as error:
                if any(error.generation == seen.generation for seen in passed_over):
                    return passed_over
                passed_over.append(error)
                continue
            except NoIndexError:
                pass
            return passed_over

    def close(self) -> None:
        """Close this thread's searcher."""
        state = getattr(self._local, "state", None)
        if state is not None:
            state.stored.close()
            self._local.state = None

    def _intact_generation(self) -> SharedGeneration:
        """The shared part of the generation to search, its checksums verified for its files
        as they are now."""
        generation, inspection = chosen_generation(self.index_dir, self._damaged())
        with self._lock:
            verdict = self._verdicts.get(generation)
            if verdict is None or verdict.identity != inspection.identity:
                return self._verified(generation, inspection)
            if time.monotonic() - verdict.at > REVERIFY_SECONDS and not self._reverifying:
                self._reverifying = True
                threading.Thread(
                    target=self._reverify, args=(generation,), name="verify", daemon=True
                ).start()
            return self._shared[generation]

    def _verified(self, generation: Path, inspection: Inspection) -> SharedGeneration:
        """Verify a generation's checksums and map it (under the lock); raises
        `DamagedIndexError` (and passes it over from now on) when it is damaged."""
        try:
            verified = verify_generation(generation)
            shared = self._shared.get(generation)
            if shared is None:
                shared = _opened(generation, verified)
                # Words the generation's texts hold are looked up, not analysed again.
                use_known_terms(shared.vocabulary.terms)
        except DamagedIndexError as error:
            _log.error("%s", error)
            self._verdicts[generation] = _Verdict(inspection.identity, False, time.monotonic())
            self._shared.pop(generation, None)
            raise
        # Only the current generation is kept here, and only the verdicts that pass others
        # over; threads still searching an older one keep its maps alive through their
        # searchers until they move on.
        self._verdicts = {g: v for g, v in self._verdicts.items() if not v.intact}
        self._verdicts[generation] = _Verdict(verified.identity, True, time.monotonic())
        self._shared = {generation: shared}
        return shared

    def _reverify(self, generation: Path) -> None:
        """Verify the generation in use again (in a thread of its own); a failure passes it
        over from the next search on."""
        try:
            before = inspect_generation(generation)
            verify_generation(generation)
        except ManifestFault:
            found = None  # incomplete now: the next search passes it over all the same
        except DamagedIndexError as error:
            _log.error("%s", error)
            found = _Verdict(before.identity, False, time.monotonic())
        else:
            found = _Verdict(before.identity, True, time.monotonic())
        with self._lock:
            self._reverifying = False
            if found is not None and (not found.intact or generation in self._shared):
                self._verdicts[generation] = found
            if found is not None and not found.intact:
                self._shared.pop(generation, None)

    def _damaged(self) -> set[Path]:
        """The generations found damaged whose files have not changed since (a change, say a
        file's permissions set right, has them verified anew)."""
        with self._lock:
            found = [(g, v) for g, v in self._verdicts.items() if not v.intact]
        damaged = set()
        for generation, verdict in found:
            try:
                unchanged = inspect_generation(generation).identity == verdict.identity
            except ManifestFault:
                continue  # incomplete now: passed over all the same
            if unchanged:
                damaged.add(generation)
        return damaged


def _opened(generation: Path, verified: Inspection) -> SharedGeneration:
    """A generation's shared part, mapped; `DamagedIndexError` when a file cannot be read."""
    try:
        return SharedGeneration.open(generation, verified.sizes)
    except OSError as error:
        name = Path(error.filename).name if error.filename else "?"
        raise DamagedIndexError(
            generation, f"bestand {name} is onleesbaar ({unreadable(error)})"
        ) from None
