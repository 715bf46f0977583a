"""The data of every page: plain dataclasses the searches return and every renderer reads.

A results page (`SearchPage` of `Hit`s), an export (`Export`), a document page (`DocumentPage`
of `ChunkView`s) and the index's facts (`IndexStats`), with the paths that link them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from search.engine.explain import WordMatch
from search.engine.request import MAX_DEPTH, SearchRequest
from search.index.document_table import Copy, Facet
from search.ingest.chunking import ChunkRef
from search.ingest.document import source_name


@dataclass(frozen=True)
class DocumentSummary:
    """What a result list and a document page both show of a document."""

    id: str
    title: str
    date: str
    member: str
    party: str
    minister: str
    source: str
    answered: bool

    @property
    def url(self) -> str:
        """The path of the document's page."""
        return document_url(self.id)

    @property
    def source_name(self) -> str:
        """The parliament's name, in Dutch."""
        return source_name(self.source)


@dataclass(frozen=True)
class Hit(DocumentSummary):
    """One result: a document with its best chunk, and the other copies of its question."""

    score: float
    snippet: str
    chunk: ChunkRef
    # The document page opened at the best chunk with the query's words marked.
    permalink: str
    copies: tuple[Copy, ...] = ()
    # For each query word, how this document matched it ("waarom gevonden").
    why: tuple[WordMatch, ...] = ()
    # Whether the document holds only some of the query's words.
    partial: bool = False


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

    @property
    def query(self) -> str:
        """The query as typed."""
        return self.request.q

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
class Export:
    """Every matching document (up to `EXPORT_LIMIT`), read as it is consumed."""

    total: int
    documents: Iterator[DocumentSummary]


@dataclass(frozen=True)
class ChunkView:
    """One chunk of a document page, its text as escaped HTML with matches marked."""

    ref: ChunkRef
    question_html: str
    answer_html: str
    matched: bool


@dataclass(frozen=True)
class DocumentPage(DocumentSummary):
    """A whole document, chunk by chunk, highlighted for the query it was reached from."""

    minister_title: str
    themes: list[str]
    number: str
    chunks: list[ChunkView]
    query: str = ""
    best_anchor: str = ""
    copies: list[Copy] = field(default_factory=list)
    related: list[DocumentSummary] = field(default_factory=list)


@dataclass(frozen=True)
class IndexStats:
    """Facts about the index in use."""

    documents: int
    per_source: dict[str, int]
    chunks: int
    size_bytes: int
    built: str
    path: str


def document_url(doc_id: str) -> str:
    """The path of a document's page, the id percent-encoded (`/`, `?`, `#` included)."""
    return f"/documents/{quote(doc_id, safe='')}"


def search_url(text: str) -> str:
    """The path of the results page for a query."""
    return "/search?" + urlencode({"q": text})


def permalink(doc_id: str, text: str, anchor: str) -> str:
    """The document page opened at a chunk, with the words of `text` marked."""
    query = f"?{urlencode({'q': text})}" if text else ""
    return f"{document_url(doc_id)}{query}#{anchor}"
