"""The data of every page: plain dataclasses the searches return and every renderer reads.

A results page (`SearchPage` of `Hit`s), an export (`Export` of `ExportedDocument`s), a document
page (`DocumentPage` of `ChunkView`s), all values of a facet (`FacetPage`) and the index's facts
(`IndexStats`). They name documents by id and people by name; the paths that link them are made
by `search.render.urls`. Member and minister pages are in `search.engine.people`, the time
histogram in `search.engine.histogram`, what the index covers in `search.engine.coverage`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Self

from search.engine.coverage import Coverage
from search.engine.explain import WordMatch
from search.engine.fragments import MarkedText, Snippet, Span
from search.engine.histogram import Histogram
from search.engine.request import MAX_DEPTH, SearchRequest
from search.index.arrays.document_table import Copy, Facet
from search.index.generations.stored_chunks import StoredChunk
from search.ingest.chunking import ChunkRef
from search.ingest.document import shown_minister, source_name


@dataclass(frozen=True)
class DocumentSummary:
    """What a result list and a document page both show of a document."""

    id: str
    title: str
    date: str
    member: str
    party: str
    # The person the question was put to ("" when the ministers table cannot tell), and a
    # short label of the portfolio.
    minister: str
    minister_label: str
    source: str
    answered: bool

    @classmethod
    def of(cls, stored: StoredChunk, /, **more) -> Self:
        """The summary (or the page data `more` completes) of the document a stored chunk is
        of."""
        return cls(id=stored.doc_id, **{name: getattr(stored, name) for name in _SUMMARY}, **more)

    @property
    def minister_shown(self) -> str:
        """The minister as shown: "Jan Jambon — Veiligheid en Binnenlandse Zaken", or the
        portfolio alone when the person is not known."""
        return shown_minister(self.minister, self.minister_label)

    @property
    def source_name(self) -> str:
        """The parliament's name, in Dutch."""
        return source_name(self.source)


# What a summary takes from a stored chunk as it is, besides the document's id.
_SUMMARY = ("title", "date", "member", "party", "minister", "minister_label", "source", "answered")


@dataclass(frozen=True)
class Hit(DocumentSummary):
    """One result: a document with its best chunk, and the other copies of its question."""

    score: float
    snippet: Snippet
    chunk: ChunkRef
    # The query's text without the filters written in it: the words the document page reached
    # from this hit marks.
    query_text: str
    copies: tuple[Copy, ...] = ()
    # For each query word, how this document matched it ("waarom gevonden").
    why: tuple[WordMatch, ...] = ()
    # Whether the document holds only some of the query's words.
    partial: bool = False
    # The ranges of the title to mark, as in the snippet.
    title_marks: tuple[Span, ...] = ()
    # When the snippet marks nothing, what the document was found through instead
    # (`search.engine.results.through`), else "".
    matched_through: str = ""


@dataclass(frozen=True)
class FilterSuggestion:
    """A filter value that selects no document at all, and the closest known values."""

    name: str
    value: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class SearchPage:
    """One page of results for a search, with the facets of all its matching documents."""

    request: SearchRequest
    total: int
    groups: int
    sort: str
    results: list[Hit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    suggestion: str | None = None
    # Documents holding only some of the query's words: how many, and the first page of them
    # (shown after the last page of full matches; never counted in `total` or the facets).
    partial_total: int = 0
    partial_results: list[Hit] = field(default_factory=list)
    # Filter values that select nothing, with what was probably meant ("Bedoelde u partij VB?").
    filter_suggestions: list[FilterSuggestion] = field(default_factory=list)
    # How the matching documents spread over time.
    histogram: Histogram = field(default_factory=Histogram)
    # What the index holds, given when nothing matched.
    coverage: Coverage | None = None
    # A similar search's key words, heaviest first: what the documents are ranked by.
    key_words: tuple[str, ...] = ()
    # What the search says of how it read the query (a dropped `~`, exclusions alone).
    notices: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        """The query as typed."""
        return self.request.q

    @property
    def mode(self) -> str:
        """What kind of search it is (`search.engine.request.MODES`)."""
        return self.request.mode

    @property
    def page(self) -> int:
        """The page number, from 1."""
        return self.request.page

    @property
    def per_page(self) -> int:
        """Results per page."""
        return self.request.per_page

    @property
    def pages(self) -> int:
        """The number of pages that can be served."""
        servable = min(self.groups, MAX_DEPTH)
        return max(1, -(-servable // self.per_page))

    @property
    def past_the_last_page(self) -> str | None:
        """What to say when the page asked for lies past the last one (it shows no results)."""
        if self.page <= self.pages:
            return None
        count = "1 pagina" if self.pages == 1 else f"{self.pages} pagina's"
        return f"Pagina {self.page} bestaat niet: deze zoekopdracht heeft {count}."


@dataclass(frozen=True)
class ExportedDocument(DocumentSummary):
    """A row of an export: a document with its themes, official reference and the passage that
    matched best (None without query words); its question number (Flemish questions only), and
    the text of its question and answer when the export asks for them ("" otherwise)."""

    themes: tuple[str, ...]
    reference: str
    passage: Snippet | None
    number: str = ""
    question: str = ""
    answer: str = ""


@dataclass(frozen=True)
class Export:
    """Every matching document (up to `EXPORT_LIMIT`), read as it is consumed."""

    total: int
    documents: Iterator[ExportedDocument]


@dataclass(frozen=True)
class ChunkView:
    """One chunk of a document page: its question and its answer with the matches to mark and
    the mentions to link."""

    ref: ChunkRef
    question: MarkedText
    answer: MarkedText

    @property
    def matched(self) -> bool:
        """Whether a word of the query is marked in it."""
        return bool(self.question.marks or self.answer.marks)


@dataclass(frozen=True)
class DocumentPage(DocumentSummary):
    """A whole document, chunk by chunk, highlighted for the query it was reached from."""

    minister_title: str
    themes: list[str]
    number: str
    chunks: list[ChunkView]
    # The ranges of the title to mark for the query.
    title_marks: tuple[Span, ...] = ()
    # The official reference as the parliament writes it, and a ready-made citation.
    reference: str = ""
    citation: str = ""
    query: str = ""
    best_anchor: str = ""
    # The best-matching passage, None without query words.
    passage: Snippet | None = None
    copies: list[Copy] = field(default_factory=list)
    related: list[DocumentSummary] = field(default_factory=list)

    def exported(self) -> ExportedDocument:
        """This document as a row of an export, with its question and answer text."""
        parts = [(chunk.ref, chunk.question.text, chunk.answer.text) for chunk in self.chunks]
        question, answer = whole_texts(parts)
        summary = {name: getattr(self, name) for name in ("id", *_SUMMARY)}
        return ExportedDocument(
            **summary,
            themes=tuple(self.themes),
            reference=self.reference,
            passage=self.passage,
            number=self.number,
            question=question,
            answer=answer,
        )


def whole_texts(chunks: Iterable[tuple[ChunkRef, str, str]]) -> tuple[str, str]:
    """A document's whole question and whole answer from its chunks in reading order (each a
    reference, its question text and its answer text): paragraphs apart, each numbered
    sub-question and its answer led by its number ("3. ")."""
    questions, answers = [], []
    for ref, question, answer in chunks:
        lead = f"{ref.label}. " if ref.label else ""
        questions += [lead + question] if question else []
        answers += [lead + answer] if answer else []
    return "\n\n".join(questions), "\n\n".join(answers)


@dataclass(frozen=True)
class FacetPage:
    """Every value of one facet, counted over the documents matching a search; only those
    containing `typed` (case, accents and punctuation aside) when it is given, the others then
    counted in the facet's `other`."""

    request: SearchRequest
    facet: Facet
    total: int
    typed: str = ""


@dataclass(frozen=True)
class IndexStats:
    """Facts about the index in use."""

    documents: int
    per_source: dict[str, int]
    chunks: int
    size_bytes: int
    built: str
    path: str


def person_slug(name: str) -> str:
    """The slug of a person's page: the name's `slug`, or for a name of no letters or digits
    ("!!!, ???") one made from its characters, so that every person has a page."""
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return slug(name) or f"naam-{digest}"


def slug(name: str) -> str:
    """A name as its key, words of letters and digits joined by "-" with accents and case
    folded ("Zuhal Demir" -> "zuhal-demir"): names are matched by it, and a person's page is
    named by it."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return "-".join(re.findall(r"[^\W_]+", bare))
