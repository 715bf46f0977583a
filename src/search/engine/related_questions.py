"""A document page's similar questions ("Gelijkaardige vragen"): the documents most like its
question (more-like-this: its key terms searched as one clause, `search.engine.query.related`),
the copies of its question left out."""

from __future__ import annotations

import numpy as np

from search.engine.generation import OpenGeneration
from search.engine.pages import DocumentSummary
from search.engine.query.related import RELATED_FIELD, Similar
from search.engine.ranking import rank_documents
from search.index.generations.stored_chunks import StoredChunk

RELATED_COUNT = 5
# Key terms of a question searched for to find similar ones.
RELATED_TERMS = 12


def related_questions(
    generation: OpenGeneration, ordinal: int, chunks: list[StoredChunk]
) -> list[DocumentSummary]:
    """The documents most like the question of the document `ordinal`, whose chunks (in
    their order) are `chunks`."""
    text = "\n".join([chunks[0].title, *(chunk.question for chunk in chunks)])
    key_terms = generation.stored.key_terms(RELATED_FIELD, text, RELATED_TERMS)
    if not key_terms:
        return []
    table = generation.table
    itself = np.isin(table.chunk_document, table.group(ordinal))
    # One clause: a document scores its best chunk for all the key terms together.
    ranked = rank_documents(
        generation.postings, Similar.to(key_terms), table, allowed=table.live_chunks & ~itself
    )
    return [
        DocumentSummary.of(generation.stored.chunk(chunk))
        for chunk in ranked.full.chunks(RELATED_COUNT).tolist()
    ]
