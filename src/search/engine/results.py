"""The results of a page, collected from the matching set: its documents grouped by question,
each with its best passage, the other copies of its question and "waarom gevonden".

Copies of one question (the same text filed by one member with several ministers) are one
result, at the place of the first copy, so a page may hold fewer results than documents; pages
are pages of results. The last page of full matches (or the only one) is followed by the first
page of the documents holding only some of the words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.engine.explain import explain
from search.engine.fragments import snippet
from search.engine.limits import Deadline
from search.engine.matches import Matches
from search.engine.pages import Hit
from search.engine.passages import found_in_chunk
from search.engine.query.member import AskedBy
from search.engine.ranking import RankedDocument, Ranking
from search.index.arrays.document_table import DocumentTable


@dataclass(frozen=True)
class Results:
    """A page's results: how many there are in all (copies grouped), those of the page, and
    the partial matches that follow them."""

    groups: int
    full: list[Hit]
    partial: list[Hit]


def search_results(matches: Matches, deadline: Deadline) -> Results:
    """The results of the page the request asks for."""
    request, table = matches.request, matches.table
    first = (request.page - 1) * request.per_page
    groups, page = page_groups(matches)
    full = []
    for group in page:
        deadline.check()
        full.append(_hit(matches, group))
    partial = []
    if first + request.per_page >= groups:
        for group in _grouped(matches.partial, table, 0, request.per_page)[1]:
            deadline.check()
            partial.append(_hit(matches, group, partial=True))
    return Results(groups, full, partial)


def page_groups(matches: Matches) -> tuple[int, list[list[RankedDocument]]]:
    """The number of results of the full matches, and the results of the request's page."""
    request = matches.request
    first = (request.page - 1) * request.per_page
    return _grouped(matches.full, matches.table, first, request.per_page)


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


def _hit(matches: Matches, group: list[RankedDocument], partial: bool = False) -> Hit:
    """A result: the group's first document with its best chunk's passage, and its copies."""
    ranked = group[0]
    stored = matches.generation.stored
    best = stored.chunk(ranked.chunk)
    table = matches.table
    ordinal = int(table.chunk_document[ranked.chunk])
    matched = [int(table.chunk_document[doc.chunk]) for doc in group]
    finder = matches.finder
    text, found = found_in_chunk(best, finder)
    why: tuple = ()
    if finder.words:
        # The title and each word's best passage, as the ranking counted them.
        passages = matches.ranked.passages(table.chunks(ordinal))
        read = {ranked.chunk}
        texts = [(best.title, finder.find(best.title)), (text, found)]
        for chunk in passages:
            if chunk not in read:
                read.add(chunk)
                texts.append(found_in_chunk(stored.chunk(chunk), finder))
        why = explain(finder.words, texts, _asked(matches.named, best.member))
    return Hit.of(
        best,
        score=round(ranked.score, 4),
        snippet=snippet(text, found),
        chunk=best.ref,
        query_text=matches.request.text,
        copies=tuple(table.copies(ordinal, matched)),
        why=why,
        partial=partial,
    )


def _asked(names: tuple[AskedBy, ...], member: str) -> dict[str, str]:
    """The query's names of members that name the member who asked a document."""
    return {name.typed: member for name in names if member in name.members}
