"""What a search reads through Whoosh's searcher: a chunk's stored fields, read once into a typed
record, and the key terms of a text.

The values are those a build stores (`records.chunk_fields`), as Whoosh gives them back; only
the themes become a tuple. A searcher cannot be shared between threads, so each thread reads
through `StoredChunks` of its own (`search.engine.generation`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from whoosh.searching import Searcher

from search.ingest.chunking import ChunkRef


@dataclass(frozen=True)
class StoredChunk:
    """A chunk of a document with the document's values, as the index stores them."""

    doc_id: str
    # Where the chunk stands in its document, its kind and its sub-question number(s).
    position: int
    kind: str
    number: int
    last: int
    title: str
    question: str
    answer: str
    date: str
    member: str
    party: str
    # The person the question was put to ("" when the ministers table cannot tell), the
    # portfolio's title and a short label of it.
    minister: str
    minister_title: str
    minister_label: str
    source: str
    answered: bool
    themes: tuple[str, ...]
    # The parliament's own number of the question ("" where it has none).
    question_number: str

    @classmethod
    def of(cls, stored: dict) -> StoredChunk:
        """The record of a chunk's stored fields."""
        # Filled in as `__init__` would, without its `object.__setattr__` per field (how a
        # frozen dataclass sets them): that took 5 µs of a chunk's 7, and a page reads dozens.
        record = object.__new__(cls)
        record.__dict__.update(
            {name: stored[name] for name in _PLAIN}, themes=tuple(stored["themes"])
        )
        return record

    @property
    def text(self) -> str:
        """The question and answer text."""
        return "\n".join(part for part in (self.question, self.answer) if part)

    @property
    def ref(self) -> ChunkRef:
        """Which chunk of its document this is."""
        return ChunkRef(self.kind, self.number, self.last, self.position)


_PLAIN = tuple(field.name for field in fields(StoredChunk) if field.name != "themes")


class StoredChunks:
    """The stored chunks of one index generation, read through one thread's Whoosh searcher."""

    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher

    def chunk(self, docnum: int) -> StoredChunk:
        """The chunk whose index docnum is `docnum`."""
        return StoredChunk.of(self._searcher.stored_fields(docnum))

    def key_terms(self, field: str, text: str, count: int) -> list[tuple[str, float]]:
        """The `count` terms of `text` that best tell it apart in `field`, with their weights
        (Whoosh's `key_terms_from_text`)."""
        return self._searcher.key_terms_from_text(field, text, numterms=count)

    def close(self) -> None:
        """Close the searcher."""
        self._searcher.close()
