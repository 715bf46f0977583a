"""The results of a page, collected from the matching set: its documents grouped by question,
each with its best passage and its title, the query's words to mark in both, the other copies
of its question and "waarom gevonden"; and where its passage marks nothing, what it was found
through instead (`through`: its title, the member who asked, the minister asked, or the
reference the query is).

Copies of one question (the same text filed by one member with several ministers) are one
result, at the place of the first copy, so a page may hold fewer results than documents; pages
are pages of results. The last page of full matches (or the only one) is followed by the first
page of the documents holding only some of the words. A result of a similar search explains
and marks the key words of the text that it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from search.engine.explain import WordMatch, explain
from search.engine.fragments import MarkedText, Snippet, marked, snippet
from search.engine.limits import Deadline
from search.engine.matches import Matches
from search.engine.pages import Hit
from search.engine.passages import found_in_chunk
from search.engine.query import MAX_QUERY_LENGTH
from search.engine.query.names import MEMBER, MINISTER, Named, Person
from search.engine.ranking import RankedDocument, Ranking
from search.index.arrays.document_table import DocumentTable
from search.index.generations.stored_chunks import StoredChunk

# What a hit whose passage marks nothing was found through, besides a name (`through`): the
# document the query refers to, or its title.
CITED, TITLE = "reference", "title"


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
    total, groups = ranked.groups(table.group_leaders, first, count)
    documents = []
    for ordinals, scores in groups:
        chunks = ranked.best_chunks_of(ordinals).tolist()
        documents.append(
            [
                RankedDocument(table.ids[ordinal], score, chunk)
                for ordinal, score, chunk in zip(
                    ordinals.tolist(), scores.tolist(), chunks, strict=True
                )
            ]
        )
    return total, documents


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
    title_found = finder.find(best.title)
    title = marked(best.title, title_found)
    why: tuple = ()
    if finder.words:
        # The title and each word's best passage, as the ranking counted them.
        passages = matches.ranked.passages(table.chunks(ordinal))
        read = {ranked.chunk}
        texts = [(best.title, title_found), (text, found)]
        for chunk in passages:
            if chunk not in read:
                read.add(chunk)
                texts.append(found_in_chunk(stored.chunk(chunk), finder))
        why = explain(finder.words, texts, _through(matches.named, best))
    passage = snippet(text, found)
    query_text = matches.request.text
    if matches.similar is not None:
        # The text's key words this document holds: what it was found by, and what its page
        # marks (a link cannot carry the whole text).
        why = tuple(match for match in why if match.how)
        query_text = _words_in_a_query(match.word for match in why)
    return Hit.of(
        best,
        score=round(ranked.score, 4),
        snippet=passage,
        chunk=best.ref,
        query_text=query_text,
        copies=tuple(table.copies(ordinal, matched)),
        why=why,
        partial=partial,
        title_marks=title.marks,
        matched_through=through(passage, title, why, ordinal in matches.cited),
    )


def through(passage: Snippet, title: MarkedText, why: tuple[WordMatch, ...], cited: bool) -> str:
    """What a hit whose passage marks nothing was found through, as the page says where the
    passage stands: the reference the query is (`CITED`), its title (`TITLE`), the member who
    asked it or the minister asked (`names.MEMBER`, `names.MINISTER`); "" for a hit whose
    passage shows why (or a search without words)."""
    if passage.marks:
        return ""
    if cited:
        return CITED
    if title.marks:
        return TITLE
    ways = {match.how for match in why}
    return next((way for way in (MEMBER, MINISTER) if way in ways), "")


def _through(names: tuple[Named, ...], best: StoredChunk) -> dict[str, Person]:
    """The query's names of people that name the member who asked a document or the minister
    it was put to, each with that person."""
    found = {name.typed: name.through(best.member, best.minister) for name in names}
    return {typed: person for typed, person in found.items() if person is not None}


def _words_in_a_query(words: Iterable[str]) -> str:
    """Words joined into a query no longer than a query may be."""
    query = ""
    for word in words:
        if len(query) + len(word) + 1 > MAX_QUERY_LENGTH:
            break
        query = f"{query} {word}" if query else word
    return query
