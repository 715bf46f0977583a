"""Search the chunk index, collapse chunks to documents, and build the pages' data.

Everything here returns the plain dataclasses of `search.engine.pages`; no Whoosh object leaves
this module. The index generation searched, a searcher per thread, comes from
`search.engine.generation`. One call builds
everything a results page shows (hits, grouped questions, facets, suggestion), whichever way it
is rendered: HTML, JSON, CSV, Atom or the command line.

Counting: `total` is the number of matching documents (those holding every word of the query,
see `search.engine.query.boolean`), exact whatever the sort or page; the facets count the same
documents. Documents holding only some of the words are listed apart, after the last page of
full matches, and counted apart (`partial_total`). The result list shows copies of one question
(the same text filed by one member with several ministers) as one result, so it may hold fewer
results (`groups`) than documents; pages are pages of results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from search.engine.citation import citation, official_reference
from search.engine.coverage import Coverage
from search.engine.explain import explain
from search.engine.filters import (
    TEXT_FILTERS,
    Filters,
    closest_values,
    filter_mask,
    named_values,
    parse_filters,
    split_query_filters,
    text_filter_mask,
)
from search.engine.fragments import Snippet, marked, snippet
from search.engine.generation import Generations, OpenGeneration
from search.engine.histogram import histogram
from search.engine.limits import DEFAULT_TIME_BUDGET, Deadline, check_expansion
from search.engine.pages import (
    ChunkView,
    DocumentPage,
    DocumentSummary,
    Export,
    ExportedDocument,
    FacetPage,
    FilterSuggestion,
    Hit,
    IndexStats,
    SearchPage,
    slug,
)
from search.engine.people import KINDS, PersonPage, person_page
from search.engine.query import QueryError, check_query_length
from search.engine.query.boolean import Everything, Without
from search.engine.query.clause import Node
from search.engine.query.matching import Finder, Found, query_words
from search.engine.query.member import AskedBy, named, with_members
from search.engine.query.parse import parse_query, query_notices
from search.engine.query.related import RELATED_FIELD, Similar
from search.engine.ranking import Ranked, RankedDocument, Ranking, rank_documents
from search.engine.request import NEWEST, OLDEST, RELEVANCE, SearchRequest
from search.engine.suggest import suggest_query
from search.index.arrays.document_table import DocumentTable, Facet
from search.index.generations.folders import DamagedIndexError, read_meta
from search.ingest.chunking import ChunkRef, chunk_anchor
from search.ingest.references import Reference

RELATED_COUNT = 5
# Key terms of a question searched for to find similar ones.
RELATED_TERMS = 12
# The most documents a CSV export holds.
EXPORT_LIMIT = 10_000


@dataclass(frozen=True)
class _Matches:
    """The documents matching a search, in its order, those matching only some of its words,
    and what the search was made of."""

    ranked: Ranking
    partial: Ranking
    # Each counted clause's matching chunks: where the hits' words are explained.
    ranking: Ranked
    text: str
    written_filters: tuple[str, ...]
    # Finds the query's words (`finder.words`) in the hits' texts (one for all of them: they
    # share most words).
    finder: Finder
    sort: str
    # The members the query names, by what was typed for them (`search.engine.query.member`).
    named: tuple[AskedBy, ...] = ()
    # The filter values (from the URL and the query) that select no document at all.
    unmatched: tuple[FilterSuggestion, ...] = ()
    # What the search says of how it read the query (`query_notices`).
    notices: tuple[str, ...] = ()


class SearchEngine:
    """Searches the current index generation; picks up a new one on the next call after a build.

    Each search may run for `time_budget` seconds (None: no limit) before it stops with
    `SearchTimeout`; see `search.engine.limits`.
    """

    def __init__(self, index_dir: Path, time_budget: float | None = DEFAULT_TIME_BUDGET) -> None:
        self.index_dir = Path(index_dir)
        self.time_budget = time_budget
        self._generations = Generations(self.index_dir)

    def search(self, request: SearchRequest | str, **changes) -> SearchPage:
        """One page of results; raises `QueryError` for a search that cannot be run.

        `request` may be plain query text; `changes` set other fields (`page`, `per_page`,
        `sort`, ...). Searching with filters and no query text lists the filtered documents;
        without either, every document.
        """
        if isinstance(request, str):
            request = SearchRequest(q=request, **changes)
        elif changes:
            request = request.replace(**changes)
        # The budget bounds the search, not the one-off opening of a new generation (checksums,
        # document table), which other threads wait for after a swap.
        state = self._generations.current()
        deadline = Deadline.after(self.time_budget)
        matches = self._matches(state, request, deadline)
        table = state.table
        first = (request.page - 1) * request.per_page
        group_count, groups = _grouped(matches.ranked, table, first, request.per_page)
        hits = []
        for group in groups:
            deadline.check()
            hits.append(self._hit(state, group, matches))
        partial_hits = []
        if first + request.per_page >= group_count:
            # The last page of full matches (or the only one) is followed by the partial ones.
            for group in _grouped(matches.partial, table, 0, request.per_page)[1]:
                deadline.check()
                partial_hits.append(self._hit(state, group, matches, partial=True))
        total = len(matches.ranked)
        return SearchPage(
            request=request,
            total=total,
            groups=group_count,
            sort=matches.sort,
            results=hits,
            facets=table.facets(matches.ranked.ordinals, _selection(request.filters)),
            suggestion=self._suggestion(state, matches, deadline),
            partial_total=len(matches.partial),
            partial_results=partial_hits,
            filter_suggestions=list(matches.unmatched),
            notices=matches.notices,
            histogram=histogram(table.months[matches.ranked.ordinals]),
            coverage=None if total else state.shared.coverage,
        )

    def export(self, request: SearchRequest) -> Export:
        """Every matching document in the search's order, up to `EXPORT_LIMIT`."""
        state = self._generations.current()
        matches = self._matches(state, request, Deadline.after(self.time_budget))
        chosen = matches.ranked.chunks(EXPORT_LIMIT).tolist()
        documents = (
            _exported(state.searcher.stored_fields(chunk), matches.finder) for chunk in chosen
        )
        return Export(len(matches.ranked), documents)

    def ranked_ids(
        self, request: SearchRequest, count: int | None = None, *, partial: bool = True
    ) -> list[str]:
        """The first `count` documents (None: all) in the order the result pages list them,
        copies not grouped: those holding every word of the query, then, with `partial`, those
        holding some."""
        state = self._generations.current()
        matches = self._matches(state, request, Deadline.after(self.time_budget))
        ordinals = matches.ranked.ordinals
        if partial:
            ordinals = np.concatenate([ordinals, matches.partial.ordinals])
        return [state.table.ids[ordinal] for ordinal in ordinals[:count].tolist()]

    def facet(self, request: SearchRequest, name: str, typed: str = "") -> FacetPage | None:
        """Every value of one facet with its count over the search's documents, only those
        containing `typed` if given; None for a facet that does not exist."""
        state = self._generations.current()
        if name not in state.table.columns:
            return None
        check_query_length(typed)
        matches = self._matches(state, request, Deadline.after(self.time_budget))
        selected = request.filters.get(name)
        facet = state.table.facet(name, matches.ranked.ordinals, selected, limit=None)
        typed = " ".join(typed.split())
        return FacetPage(request, _containing(facet, typed), len(matches.ranked), typed)

    def person(self, kind: str, slug: str, page: int = 1) -> PersonPage | None:
        """The page of a member (`kind` "lid") or a minister ("minister") by the slug of their
        name, listing page `page` of their questions; None for nobody of that name."""
        if kind not in KINDS:
            return None
        table = self._generations.current().table
        return person_page(table, kind, slug, page, self.search)

    def coverage(self) -> Coverage:
        """What the index in use holds, per parliament, and when it was built."""
        return self._generations.current().shared.coverage

    def document(self, doc_id: str, text: str = "") -> DocumentPage | None:
        """The document page, highlighted for `text` if given; None for an unknown id."""
        state = self._generations.current()
        deadline = Deadline.after(self.time_budget)
        ordinal = state.table.ordinal_of(doc_id)
        if ordinal is None:
            return None
        stored = sorted(
            map(state.searcher.stored_fields, state.table.chunks(ordinal)),
            key=lambda f: f["position"],
        )
        node = _highlight_query(state, text, deadline)
        words = query_words(node) if node is not None else ()
        finder, best_anchor, passage = Finder(words), "", None
        if node is not None:
            in_document = state.table.chunk_document == ordinal
            ranked = rank_documents(
                state.postings,
                node,
                state.table,
                allowed=in_document,
                check=deadline.check,
            )
            best = ranked.full if len(ranked.full) else ranked.partial
            if len(best):
                fields = state.searcher.stored_fields(int(best.chunks(1)[0]))
                best_anchor = chunk_anchor(fields["position"])
                passage = _passage(fields, finder)
        first = stored[0]
        summary = _summary_fields(first)

        def cited(reference: Reference) -> str | None:
            return self._cited(state, reference)

        chunks = []
        for fields in stored:
            deadline.check()
            chunks.append(_chunk_view(fields, finder, cited))
        return DocumentPage(
            **summary,
            minister_title=first["minister_title"],
            themes=list(first["themes"]),
            number=first["question_number"],
            chunks=chunks,
            reference=_reference(first),
            citation=citation(
                member=summary["member"],
                minister=summary["minister"],
                minister_title=first["minister_title"],
                source=summary["source"],
                doc_id=doc_id,
                number=first["question_number"],
                date=summary["date"],
            ),
            query=text,
            best_anchor=best_anchor,
            passage=passage,
            copies=state.table.copies(ordinal),
            related=self._related(state, ordinal, stored),
        )

    def stats(self) -> IndexStats:
        """Documents, chunks, size and build date of the index in use."""
        generation = self._generations.current().path
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

    def prepare(self) -> list[DamagedIndexError]:
        """Verify and map the index in use now, not at the first search; the damaged
        generations passed over (see `Generations.prepare`)."""
        return self._generations.prepare()

    def close(self) -> None:
        """Close this thread's searcher."""
        self._generations.close()

    def _matches(
        self, state: OpenGeneration, request: SearchRequest, deadline: Deadline
    ) -> _Matches:
        """The matching documents of a search, in the order it asks for."""
        written = split_query_filters(request.q)
        filters = request.filters.merged(parse_filters(written.params))
        text = written.text.strip()
        parsed = _parse(state, text, request.scope, deadline) if text else None
        restrict = filter_mask(filters, state.table)
        unmatched = tuple(_unmatched(state, filters))
        allowed = state.table.live_chunks
        if restrict is not None:
            allowed = allowed & restrict[state.table.chunk_document]
        node = Everything() if parsed is None else with_members(parsed, state.names)
        ranked = rank_documents(
            state.postings, node, state.table, allowed=allowed, check=deadline.check
        )
        # Without words to rank by (none, or exclusions alone), the newest come first.
        sort = request.sort or (
            NEWEST if parsed is None or isinstance(parsed, Without) else RELEVANCE
        )
        return _Matches(
            ranked=_in_order(ranked.full, sort, state.table),
            partial=_in_order(ranked.partial, sort, state.table),
            ranking=ranked,
            text=text,
            written_filters=written.written,
            finder=Finder(query_words(node)),
            sort=sort,
            named=named(node),
            unmatched=unmatched,
            notices=query_notices(text, parsed),
        )

    def _hit(
        self,
        state: OpenGeneration,
        group: list[RankedDocument],
        matches: _Matches,
        partial: bool = False,
    ) -> Hit:
        ranked = group[0]
        fields = state.searcher.stored_fields(ranked.chunk)
        table = state.table
        ordinal = int(table.chunk_document[ranked.chunk])
        matched = [int(table.chunk_document[doc.chunk]) for doc in group]
        finder = matches.finder
        text, found = _chunk_matches(fields, finder)
        why: tuple = ()
        if finder.words:
            # The title and each word's best passage, as the ranking counted them.
            passages = matches.ranking.passages(table.chunks(ordinal))
            stored = {ranked.chunk: fields}
            texts = [(fields["title"], finder.find(fields["title"])), (text, found)]
            for chunk in passages:
                if chunk not in stored:
                    stored[chunk] = state.searcher.stored_fields(chunk)
                    texts.append(_chunk_matches(stored[chunk], finder))
            why = explain(finder.words, texts, _asked(matches.named, fields["member"]))
        return Hit(
            **_summary_fields(fields),
            score=round(ranked.score, 4),
            snippet=snippet(text, found),
            chunk=_chunk_ref(fields),
            query_text=matches.text,
            copies=tuple(table.copies(ordinal, matched)),
            why=why,
            partial=partial,
        )

    def _suggestion(
        self, state: OpenGeneration, matches: _Matches, deadline: Deadline
    ) -> str | None:
        if not matches.text:
            return None
        corrected = suggest_query(matches.text, state.vocabulary, deadline.check)
        if corrected is None:
            return None
        return " ".join([corrected, *matches.written_filters])

    def _related(
        self, state: OpenGeneration, ordinal: int, stored: list[dict]
    ) -> list[DocumentSummary]:
        """The documents most like this one's question (more-like-this), its copies left out."""
        text = "\n".join([stored[0]["title"], *(fields["question"] for fields in stored)])
        key_terms = state.searcher.key_terms_from_text(RELATED_FIELD, text, numterms=RELATED_TERMS)
        if not key_terms:
            return []
        table = state.table
        itself = np.isin(table.chunk_document, table.group(ordinal))
        # One clause: a document scores its best chunk for all the key terms together.
        ranked = rank_documents(
            state.postings, Similar.to(key_terms), table, allowed=table.live_chunks & ~itself
        )
        return [
            DocumentSummary(**_summary_fields(state.searcher.stored_fields(chunk)))
            for chunk in ranked.full.chunks(RELATED_COUNT).tolist()
        ]

    def _cited(self, state: OpenGeneration, reference: Reference) -> str | None:
        """The id of the document a mention cites, None when the index does not hold it."""
        ordinal = state.table.referenced(reference.key) if reference.key else None
        return None if ordinal is None else state.table.ids[ordinal]


def _parse(state: OpenGeneration, text: str, scope: str, deadline: Deadline) -> Node:
    """The parsed query, refused (`QueryError`) if its patterns expand too far."""
    node = parse_query(text, state.parsers[scope])
    check_expansion(node, state.postings, deadline)
    return node


def _highlight_query(state: OpenGeneration, text: str, deadline: Deadline) -> Node | None:
    """The query whose words a document page marks; None for a query that cannot be run."""
    try:
        written = split_query_filters(text)
        return _parse(state, written.text, "alles", deadline) if written.text.strip() else None
    except QueryError:
        return None


def _in_order(ranked: Ranking, sort: str, table: DocumentTable) -> Ranking:
    """Documents by relevance (as ranked), newest or oldest first; undated ones last. Equal
    dates keep their order of relevance."""
    if sort == RELEVANCE:
        return ranked
    rank = table.date_rank[ranked.ordinals]
    if sort == NEWEST:
        return ranked.reordered(np.argsort(-rank, kind="stable"))
    assert sort == OLDEST
    undated = table.undated[ranked.ordinals]
    return ranked.reordered(np.lexsort((rank, undated)))


def _grouped(
    ranked: Ranking, table: DocumentTable, first: int, count: int
) -> tuple[int, list[list[RankedDocument]]]:
    """The number of results (copies of one question together, at the first copy's place),
    and the results `first` to `first + count`, each its documents in order."""
    leaders = table.group_leaders[ranked.ordinals]
    # Where each group's first document stands: one pass, where sorting the leaders took
    # milliseconds for a long ranking.
    positions = np.arange(len(leaders))
    first_at = np.full(len(table.ids), len(leaders))
    np.minimum.at(first_at, leaders, positions)
    starts = np.flatnonzero(first_at[leaders] == positions)
    groups = []
    for start in starts[first : first + count].tolist():
        members = np.flatnonzero(leaders == leaders[start])
        groups.append([ranked.document(int(m), table.ids) for m in members])
    return len(starts), groups


def _unmatched(state: OpenGeneration, filters: Filters) -> Iterator[FilterSuggestion]:
    """The member, party, minister and theme values that select no document at all, each with
    the closest values the index knows."""
    for name in TEXT_FILTERS:
        for value in filters.get(name):
            if not text_filter_mask(name, value, state.table).any():
                known = state.table.columns[name].labels
                yield FilterSuggestion(name, value, tuple(closest_values(name, value, known)))


def _selection(filters: Filters) -> dict[str, tuple[str, ...]]:
    """The filter values the facets mark as selected: a party by each of its names."""
    return {
        name: tuple(named for value in values for named in named_values(name, value))
        for name, values in filters.values.items()
    }


def _asked(names: tuple[AskedBy, ...], member: str) -> dict[str, str]:
    """The query's names of members that name the member who asked a document."""
    return {name.typed: member for name in names if member in name.members}


def _containing(facet: Facet, typed: str) -> Facet:
    """The facet's values whose label contains `typed` (compared as slugs), the others counted
    in `other`; selected values always stay."""
    wanted = slug(typed)
    if not wanted:
        return facet
    kept = [v for v in facet.values if v.selected or wanted in slug(v.label)]
    dropped = sum(v.count for v in facet.values) - sum(v.count for v in kept)
    return dataclasses.replace(facet, values=kept, other=facet.other + dropped)


def _summary_fields(fields: dict) -> dict:
    """The `DocumentSummary` fields from a chunk's stored fields."""
    names = ("title", "date", "member", "party", "minister", "minister_label", "source", "answered")
    return {"id": fields["doc_id"], **{name: fields[name] for name in names}}


def _exported(fields: dict, finder: Finder) -> ExportedDocument:
    """An export's row from the stored fields of the document's best chunk."""
    return ExportedDocument(
        **_summary_fields(fields),
        themes=tuple(fields["themes"]),
        reference=_reference(fields),
        passage=_passage(fields, finder),
    )


def _reference(fields: dict) -> str:
    return official_reference(
        fields["source"], fields["doc_id"], fields["question_number"], fields["date"]
    )


def _chunk_text(fields: dict) -> str:
    """A chunk's question and answer text."""
    return "\n".join(part for part in (fields["question"], fields["answer"]) if part)


def _chunk_matches(fields: dict, finder: Finder) -> tuple[str, list[Found]]:
    """A chunk's question and answer text, and where the words match in it: in the question
    and in the answer, each on its own, as the index holds them."""
    question, answer = fields["question"], fields["answer"]
    found = finder.find(question) if question else []
    if answer:
        shift = len(question) + 1 if question else 0
        found += [
            replace(match, start=match.start + shift, end=match.end + shift)
            for match in finder.find(answer)
        ]
    return _chunk_text(fields), found


def _passage(fields: dict, finder: Finder) -> Snippet | None:
    """The passage of a chunk that matches best; None without query words."""
    if not finder.words:
        return None
    return snippet(*_chunk_matches(fields, finder))


def _chunk_ref(fields: dict) -> ChunkRef:
    return ChunkRef(fields["kind"], fields["number"], fields["last"], fields["position"])


def _chunk_view(
    fields: dict, finder: Finder, cited: Callable[[Reference], str | None]
) -> ChunkView:
    """A chunk of a document page: its question and answer with the query's words to mark and
    the mentions of other questions to link."""
    question, answer = fields["question"], fields["answer"]
    return ChunkView(
        ref=_chunk_ref(fields),
        question=marked(question, finder.find(question), cited),
        answer=marked(answer, finder.find(answer), cited),
    )
