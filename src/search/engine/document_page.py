"""A document page: the document's chunks in order, the words of the query it was reached from
marked, opened at its best passage, with its citation, its copies and similar questions.

The query is the search text of the results page (its written filters left out), ranked within
this document alone for the passage that matches best; a query that cannot be run marks nothing.
Mentions of other written questions become links: to the cited document when the index holds
it, otherwise to a search for it.
"""

from __future__ import annotations

from collections.abc import Callable

from search.engine.citation import citation, official_reference
from search.engine.filters import split_query_filters
from search.engine.fragments import marked
from search.engine.generation import OpenGeneration
from search.engine.limits import Deadline
from search.engine.matches import parsed_query
from search.engine.pages import ChunkView, DocumentPage
from search.engine.passages import best_passage
from search.engine.query import QueryError
from search.engine.query.clause import Node
from search.engine.query.matching import Finder, query_words
from search.engine.ranking import rank_documents
from search.engine.related_questions import related_questions
from search.index.arrays.document_table import DocumentTable
from search.index.generations.stored_chunks import StoredChunk
from search.ingest.chunking import chunk_anchor
from search.ingest.references import Reference


def document_page(
    generation: OpenGeneration, ordinal: int, text: str, deadline: Deadline
) -> DocumentPage:
    """The page of the document `ordinal`, its words of the query `text` marked."""
    table = generation.table
    chunks = generation.document_chunks(ordinal)
    node = _highlight_query(generation, text, deadline)
    finder = Finder(query_words(node) if node is not None else ())
    best = None if node is None else _best_chunk(generation, ordinal, node, deadline)
    best_anchor = "" if best is None else chunk_anchor(best.position)
    passage = None if best is None else best_passage(best, finder)
    views = []
    for chunk in chunks:
        deadline.check()
        views.append(_chunk_view(chunk, finder, lambda reference: _cited(table, reference)))
    first = chunks[0]
    return DocumentPage.of(
        first,
        minister_title=first.minister_title,
        themes=list(first.themes),
        number=first.question_number,
        chunks=views,
        reference=official_reference(first.source, first.doc_id, first.question_number, first.date),
        citation=citation(
            member=first.member,
            minister=first.minister,
            minister_title=first.minister_title,
            source=first.source,
            doc_id=first.doc_id,
            number=first.question_number,
            date=first.date,
        ),
        query=text,
        best_anchor=best_anchor,
        passage=passage,
        copies=table.copies(ordinal),
        related=related_questions(generation, ordinal, chunks),
    )


def _highlight_query(generation: OpenGeneration, text: str, deadline: Deadline) -> Node | None:
    """The query whose words the page marks; None for a query that cannot be run."""
    try:
        written = split_query_filters(text)
        if not written.text.strip():
            return None
        return parsed_query(generation, written.text, "alles", deadline)
    except QueryError:
        return None


def _best_chunk(
    generation: OpenGeneration, ordinal: int, node: Node, deadline: Deadline
) -> StoredChunk | None:
    """The document's chunk that matches the query best (all its words, else some); None when
    none matches."""
    table = generation.table
    in_document = table.chunk_document == ordinal
    ranked = rank_documents(
        generation.postings, node, table, allowed=in_document, check=deadline.check
    )
    best = ranked.full if len(ranked.full) else ranked.partial
    return generation.stored.chunk(int(best.chunks(1)[0])) if len(best) else None


def _chunk_view(
    chunk: StoredChunk, finder: Finder, cited: Callable[[Reference], str | None]
) -> ChunkView:
    """A chunk of the page: its question and answer with the query's words to mark and the
    mentions of other questions to link."""
    question, answer = chunk.question, chunk.answer
    return ChunkView(
        ref=chunk.ref,
        question=marked(question, finder.find(question), cited),
        answer=marked(answer, finder.find(answer), cited),
    )


def _cited(table: DocumentTable, reference: Reference) -> str | None:
    """The id of the document a mention cites, None when the index does not hold it."""
    ordinal = table.referenced(reference.key) if reference.key else None
    return None if ordinal is None else table.ids[ordinal]
