"""The search engine's front: each call takes the current index generation, computes what it asks
for and returns the plain dataclasses of `search.engine.pages`; no Whoosh object leaves it.

A search is a request finished when it was made (`search.engine.request`), its matching set
computed once (`search.engine.matches`) and the parts of the page collected from that set, each
in a module of its own: the results (`results`), the facets (`facets`), the histogram
(`histogram`), "Bedoelde u …?" for the query and the filters (`suggest`), an export's rows
(`export_rows`). One call builds everything a results page shows, whichever way it is rendered:
HTML, JSON, CSV, Atom or the command line. The document page (`document_page`), the pages of
members and ministers (`people`) and what the index covers (`coverage`) have modules of their
own too.
"""

from __future__ import annotations

from pathlib import Path

from search.engine.coverage import Coverage
from search.engine.document_page import document_page
from search.engine.export_rows import export
from search.engine.facets import facet_page, search_facets
from search.engine.generation import Generations
from search.engine.histogram import search_histogram
from search.engine.limits import DEFAULT_TIME_BUDGET, Deadline
from search.engine.matches import Matches
from search.engine.pages import DocumentPage, Export, FacetPage, IndexStats, SearchPage
from search.engine.people import KINDS, PersonChoice, PersonPage, person_choice, person_page
from search.engine.query import check_query_length
from search.engine.request import SearchRequest
from search.engine.results import search_results
from search.engine.suggest import filter_suggestions, search_suggestion
from search.index.generations.folders import DamagedIndexError, read_meta


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
        generation = self._generations.current()
        deadline = Deadline.after(self.time_budget)
        matches = Matches.of(request, generation, deadline)
        results = search_results(matches, deadline)
        similar = matches.similar
        return SearchPage(
            request=request,
            total=matches.total,
            groups=results.groups,
            sort=matches.sort,
            results=results.full,
            facets=search_facets(matches),
            # A pasted text is not corrected: it was written that way.
            suggestion=None if similar else search_suggestion(matches, deadline),
            partial_total=len(matches.partial),
            partial_results=results.partial,
            filter_suggestions=filter_suggestions(matches),
            histogram=search_histogram(matches),
            notices=matches.notices,
            coverage=None if matches.total else generation.shared.coverage,
            key_words=() if similar is None else tuple(word.written for word in similar.words),
        )

    def export(self, request: SearchRequest, *, texts: bool = False, page: bool = False) -> Export:
        """Every matching document in the search's order, up to `EXPORT_LIMIT`; with `page`,
        only the results of the request's page (one document each, copies left out). With
        `texts`, each row holds its document's whole question and answer."""
        return export(self._matches(request), texts=texts, page=page)

    def ranked_ids(
        self, request: SearchRequest, count: int | None = None, *, partial: bool = True
    ) -> list[str]:
        """The first `count` documents (None: all) in the order the result pages list them,
        copies not grouped: those holding every word of the query, then, with `partial`, those
        holding some."""
        return self._matches(request).ids(count, partial=partial)

    def facet(self, request: SearchRequest, name: str, typed: str = "") -> FacetPage | None:
        """Every value of one facet with its count over the search's documents, only those
        containing `typed` if given; None for a facet that does not exist."""
        generation = self._generations.current()
        if name not in generation.table.columns:
            return None
        check_query_length(typed)
        matches = Matches.of(request, generation, Deadline.after(self.time_budget))
        return facet_page(matches, name, typed)

    def person(self, kind: str, slug: str, page: int = 1) -> PersonPage | PersonChoice | None:
        """The page of a member (`kind` "lid") or a minister ("minister") by the slug of their
        name, listing page `page` of their questions; for a surname, the people who bear it;
        None for nobody of that name."""
        if kind not in KINDS:
            return None
        table = self._generations.current().table
        found = person_page(table, kind, slug, page, self.search)
        return found if found is not None else person_choice(table, kind, slug)

    def coverage(self) -> Coverage:
        """What the index in use holds, per parliament, and when it was built."""
        return self._generations.current().shared.coverage

    def document(self, doc_id: str, text: str = "") -> DocumentPage | None:
        """The document page, highlighted for `text` if given; None for an unknown id."""
        generation = self._generations.current()
        deadline = Deadline.after(self.time_budget)
        ordinal = generation.table.ordinal_of(doc_id)
        if ordinal is None:
            return None
        return document_page(generation, ordinal, text, deadline)

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

    def _matches(self, request: SearchRequest) -> Matches:
        """The matching set of a search in the current generation, within the time budget."""
        return Matches.of(request, self._generations.current(), Deadline.after(self.time_budget))
