"""Search the chunk index, collapse chunks to documents, and build the pages' data.

Everything here returns plain dataclasses; no Whoosh object leaves this module.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq

from search.chunking import ChunkRef, chunk_anchor
from search.document import source_name
from search.explain import QueryWord, WordMatch, explain, explained_words
from search.highlight import MatchTerms, mark, snippet
from search.indexing import current_generation, read_meta
from search.query import QueryError, make_parser, parse_query, split_negations
from search.ranking import RankedDocument, rank_documents, weighting

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
# Results beyond this rank are not served: nobody reads them, and deep pages cost the most.
MAX_DEPTH = 1000


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
    """One document in a result list, with its best chunk."""

    score: float
    snippet: str
    chunk: ChunkRef
    why: tuple[WordMatch, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    """One page of results for a query."""

    query: str
    total: int
    page: int
    per_page: int
    results: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """The number of pages that can be served."""
        servable = min(self.total, MAX_DEPTH)
        return max(1, -(-servable // self.per_page))


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
    """The path of a document's page."""
    return f"/documents/{doc_id}"


@dataclass
class _Generation:
    """A searcher and what it needs, opened on one index generation (one per thread)."""

    path: Path
    searcher: object
    parser: object
    doc_ids: list[str]


class SearchEngine:
    """Searches the current index generation; picks up a new one on the next call after a build."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._local = threading.local()

    def search(self, text: str, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> SearchPage:
        """Rank documents for the query; raises `QueryError` for input that cannot be searched."""
        _check_paging(page, per_page)
        state = self._state()
        parsed = parse_query(text, state.parser)
        ranked = self._ranked_documents(state, parsed)
        terms, words = MatchTerms.from_query(parsed), explained_words(parsed)
        first = (page - 1) * per_page
        hits = [self._hit(state, doc, terms, words) for doc in ranked[first : first + per_page]]
        return SearchPage(text, len(ranked), page, per_page, hits)

    def document(self, doc_id: str, text: str = "") -> DocumentPage | None:
        """The document page, highlighted for `text` if given; None for an unknown id."""
        state = self._state()
        stored = sorted(state.searcher.documents(doc_id=doc_id), key=lambda f: f["position"])
        if not stored:
            return None
        terms, best_anchor = MatchTerms(), ""
        if text.strip():
            try:
                parsed = parse_query(text, state.parser)
            except QueryError:
                parsed = wq.NullQuery
            terms = MatchTerms.from_query(parsed)
            best = state.searcher.search(wq.And([parsed, wq.Term("doc_id", doc_id)]), limit=1)
            if best:
                best_anchor = chunk_anchor(best[0]["position"])
        first = stored[0]
        return DocumentPage(
            **_summary_fields(first),
            minister_title=first["minister_title"],
            themes=list(first["themes"]),
            number=first["question_number"],
            chunks=[_chunk_view(fields, terms) for fields in stored],
            query=text,
            best_anchor=best_anchor,
        )

    def stats(self) -> IndexStats:
        """Documents, chunks, size and build date of the index in use."""
        generation = current_generation(self.index_dir)
        meta = read_meta(generation)
        size = sum(path.stat().st_size for path in generation.iterdir() if path.is_file())
        return IndexStats(
            documents=meta["documents"],
            per_source=meta["per_source"],
            chunks=meta["chunks"],
            size_bytes=size,
            built=meta["built"],
            path=str(generation),
        )

    def close(self) -> None:
        """Close this thread's searcher."""
        state = getattr(self._local, "state", None)
        if state is not None:
            state.searcher.close()
            self._local.state = None

    def _state(self) -> _Generation:
        generation = current_generation(self.index_dir)
        state = getattr(self._local, "state", None)
        if state is None or state.path != generation:
            if state is not None:
                state.searcher.close()
            ix = whoosh_index.open_dir(str(generation))
            searcher = ix.searcher(weighting=weighting())
            doc_ids = list(searcher.reader().column_reader("doc_id"))
            state = _Generation(generation, searcher, make_parser(ix.schema), doc_ids)
            self._local.state = state
        return state

    def _ranked_documents(self, state: _Generation, parsed: wq.Query) -> list[RankedDocument]:
        """One entry per matching document, best first."""
        if parsed is wq.NullQuery:
            return []
        positive, negative = split_negations(parsed)
        excluded = frozenset()
        if negative is not wq.NullQuery:
            excluded = frozenset(state.doc_ids[n] for n in state.searcher.docs_for_query(negative))
        return rank_documents(state.searcher, positive, state.doc_ids, excluded=excluded)

    def _hit(
        self,
        state: _Generation,
        ranked: RankedDocument,
        terms: MatchTerms,
        words: tuple[QueryWord, ...],
    ) -> Hit:
        fields = state.searcher.stored_fields(ranked.chunk)
        text = "\n".join(part for part in (fields["question"], fields["answer"]) if part)
        chunks = state.searcher.documents(doc_id=ranked.doc_id)
        document_texts = [fields["title"], *(c[f] for c in chunks for f in ("question", "answer"))]
        return Hit(
            **_summary_fields(fields),
            score=round(ranked.score, 4),
            snippet=snippet(text, terms),
            chunk=_chunk_ref(fields),
            why=explain(words, document_texts),
        )


def _summary_fields(fields: dict) -> dict:
    """The `DocumentSummary` fields from a chunk's stored fields."""
    names = ("title", "date", "member", "party", "minister", "source", "answered")
    return {"id": fields["doc_id"], **{name: fields[name] for name in names}}


def _chunk_ref(fields: dict) -> ChunkRef:
    return ChunkRef(fields["kind"], fields["number"], fields["last"], fields["position"])


def _chunk_view(fields: dict, terms: MatchTerms) -> ChunkView:
    question_html = mark(fields["question"], terms)
    answer_html = mark(fields["answer"], terms)
    return ChunkView(
        ref=_chunk_ref(fields),
        question_html=question_html,
        answer_html=answer_html,
        matched="<mark>" in question_html or "<mark>" in answer_html,
    )


def _check_paging(page: int, per_page: int) -> None:
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(
            f"Het aantal resultaten per pagina moet tussen 1 en {MAX_PER_PAGE} liggen."
        )
    if page < 1 or (page - 1) * per_page >= MAX_DEPTH:
        raise QueryError(f"Alleen de eerste {MAX_DEPTH} resultaten kunnen worden opgevraagd.")
