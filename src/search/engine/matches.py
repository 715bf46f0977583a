"""The matching set of a search: computed once from the finished request and the generation, and
every part of a page collected from it.

`Matches.of` parses the query text (refused with `QueryError` if its patterns expand too far),
or, for a similar search, reads the text's key words and order (`search.engine.query.similar`),
makes the filters' masks over the documents (each value's once: the documents passing them and a
value selecting nothing are both read off them), ranks the documents of the allowed chunks
(`search.engine.ranking`, a query's best documents holding its words as typed first:
`search.engine.proximity`) and puts them in the order asked for. The collectors each read it for
one part of a page: the results (`results`), the facets (`facets`), the time histogram
(`histogram`), "Bedoelde u …?" for the query and for the filters (`suggest`), the export's rows
(`export_rows`); none computes again what the set holds (no filter is read or masked again,
nothing is parsed or ranked again). The set also says how the query was read where that is not
as typed (`notices`: a dropped fuzzy `~`; exclusions alone, which list every other document,
newest first).

Counting: `total` is the number of matching documents (those holding every word of the query,
see `search.engine.query.boolean`), exact whatever the sort or page; the facets count the same
documents. Documents holding only some of the words are ranked apart (`partial`), listed after
the last page of full matches and counted apart. A similar search counts the documents holding
enough of its text's key words, and has no partial ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from search.engine.filters import FilterMasks, filter_masks
from search.engine.generation import OpenGeneration
from search.engine.limits import Deadline, check_expansion
from search.engine.proximity import words_in_order
from search.engine.query import QueryError
from search.engine.query.boolean import NOTHING, Everything, Without
from search.engine.query.clause import Node
from search.engine.query.fields import SCOPE_FIELDS
from search.engine.query.matching import Finder, query_words
from search.engine.query.names import Named, named, with_names
from search.engine.query.parse import parse_query, query_notices
from search.engine.query.reference import Cited, cited_documents
from search.engine.query.similar import KeyWordFinder, SimilarText
from search.engine.ranking import Ranked, Ranking, rank_documents, stable_order
from search.engine.request import NEWEST, OLDEST, QUERY, RELEVANCE, SIMILAR, SearchRequest
from search.index.arrays.document_table import DocumentTable


@dataclass(frozen=True)
class Matches:
    """The documents matching a search, in the order it asks for, and what they were found
    with."""

    request: SearchRequest
    generation: OpenGeneration
    # The query as ranked, the people it names made clauses of their own, the documents it
    # refers to as a whole added (`Everything` without query text; the text's key words and
    # order for a similar search).
    node: Node
    masks: FilterMasks
    # Every matching document and each counted clause's matching chunks (where the hits'
    # words are explained), as ranked.
    ranked: Ranked
    # The documents holding every word, and those holding only some, in the order asked for.
    full: Ranking
    partial: Ranking
    sort: str

    @classmethod
    def of(cls, request: SearchRequest, generation: OpenGeneration, deadline: Deadline) -> Matches:
        """The matching set of `request` in `generation`; raises `QueryError` for a query that
        expands too far, `SearchTimeout` past the deadline."""
        table = generation.table
        node = searched_node(request, generation, deadline)
        masks = filter_masks(request.applied_filters, table)
        allowed = table.live_chunks
        if masks.documents is not None:
            allowed = allowed & masks.documents[table.chunk_document]
        ranked = rank_documents(
            generation.postings, node, table, allowed=allowed, check=deadline.check
        )
        if request.mode == QUERY:
            fields = SCOPE_FIELDS[request.scope]
            ranked = words_in_order(
                ranked,
                node,
                request.text,
                fields,
                generation.postings,
                table,
                allowed,
                deadline.check,
            )
        # Without words to rank by (none, or exclusions alone), the newest come first.
        sort = request.sort or (NEWEST if isinstance(node, Everything | Without) else RELEVANCE)
        full = _in_order(ranked.full, sort, table)
        partial = _in_order(ranked.partial, sort, table)
        return cls(request, generation, node, masks, ranked, full, partial, sort)

    @property
    def searched(self) -> Node:
        """What the query's text searches for, without the documents it refers to as a whole
        (`Cited`): its words, or its like for a similar search."""
        return self.node.text if isinstance(self.node, Cited) else self.node

    @property
    def similar(self) -> SimilarText | None:
        """The text searched for its like, for a similar search."""
        return self.searched if isinstance(self.searched, SimilarText) else None

    @property
    def table(self) -> DocumentTable:
        """The document table of the generation searched."""
        return self.generation.table

    @property
    def total(self) -> int:
        """The number of documents holding every word."""
        return len(self.full)

    @cached_property
    def finder(self) -> Finder:
        """Finds the query's words in the hits' texts: one for all of them, as they share most
        words."""
        if self.similar is not None:
            return KeyWordFinder(self.similar.words)
        return Finder(query_words(self.node))

    @property
    def cited(self) -> tuple[int, ...]:
        """The ordinals of the documents the query refers to as a whole."""
        return self.node.ordinals if isinstance(self.node, Cited) else ()

    @cached_property
    def named(self) -> tuple[Named, ...]:
        """The people the query names, by what was typed for them."""
        return named(self.searched)

    @cached_property
    def notices(self) -> tuple[str, ...]:
        """What the search says of how it read the query (`query_notices`)."""
        return () if self.similar is not None else query_notices(self.request.text, self.node)

    def ids(self, count: int | None = None, *, partial: bool = True) -> list[str]:
        """The ids of the first `count` documents (None: all) in the order the result pages
        list them, copies not grouped: those holding every word, then, with `partial`, those
        holding some."""
        ordinals = self.full.first(count)[0]
        if partial and (count is None or len(ordinals) < count):
            rest = None if count is None else count - len(ordinals)
            ordinals = np.concatenate([ordinals, self.partial.first(rest)[0]])
        return [self.table.ids[ordinal] for ordinal in ordinals.tolist()]


def searched_node(request: SearchRequest, generation: OpenGeneration, deadline: Deadline) -> Node:
    """What the request searches for: the text's like (a similar search); the parsed query with
    the people it names made clauses of their own and the documents it refers to as a whole
    added; or every document (no text)."""
    text = request.text
    if not text:
        return Everything()
    cited = cited_documents(text, generation.table)
    if request.mode == SIMILAR:
        # A long citation is a similar text too: the document it cites first, then its like.
        node = SimilarText.of(text, generation.postings, SCOPE_FIELDS[request.scope])
        check_expansion(node, generation.postings, deadline)
    else:
        parsed = _searched(generation, text, request.scope, deadline, cited)
        node = with_names(parsed, generation.names, text)
    return Cited(cited, node) if cited else node


def parsed_query(generation: OpenGeneration, text: str, scope: str, deadline: Deadline) -> Node:
    """The parsed query, refused (`QueryError`) if its patterns expand too far."""
    node = parse_query(text, generation.parsers[scope])
    check_expansion(node, generation.postings, deadline)
    return node


def _searched(
    generation: OpenGeneration, text: str, scope: str, deadline: Deadline, cited: tuple[int, ...]
) -> Node:
    """The parsed query; for a reference that cannot be searched as words (an address), no
    words: the documents it refers to are what it finds."""
    try:
        return parsed_query(generation, text, scope, deadline)
    except QueryError:
        if not cited:
            raise
        return NOTHING


def _in_order(ranked: Ranking, sort: str, table: DocumentTable) -> Ranking:
    """Documents by relevance (as ranked), newest or oldest first; undated ones last. Equal
    dates keep their order of relevance."""
    if sort == RELEVANCE:
        return ranked
    rank = table.date_rank[ranked.ordinals]
    if sort == NEWEST:
        return ranked.reordered(stable_order(-rank))
    assert sort == OLDEST
    # By date, then the undated ones after the dated.
    by_date = stable_order(rank)
    return ranked.reordered(by_date[stable_order(table.undated[ranked.ordinals][by_date])])
