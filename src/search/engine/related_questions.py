"""A document page's similar questions ("Gelijkaardige vragen"): the documents most like its
question, ranked as a pasted text is (`search.engine.query.similar`), one for each question:
the copies of its own question left out, and of another question's copies only the best."""

from __future__ import annotations

import numpy as np

from search.engine.generation import OpenGeneration
from search.engine.pages import DocumentSummary
from search.engine.query.similar import SimilarText
from search.engine.ranking import rank_documents
from search.index.generations.stored_chunks import StoredChunk

RELATED_COUNT = 5


def related_questions(
    generation: OpenGeneration, ordinal: int, chunks: list[StoredChunk]
) -> list[DocumentSummary]:
    """The documents most like the question of the document `ordinal`, whose chunks (in
    their order) are `chunks`: one per question."""
    text = "\n".join([chunks[0].title, *(chunk.question for chunk in chunks)])
    # Any shared word will do: only the best few are listed.
    node = SimilarText.of(text, generation.postings, min_share=0.0)
    table = generation.table
    itself = np.isin(table.chunk_document, table.group(ordinal))
    ranked = rank_documents(
        generation.postings, node, table, allowed=table.live_chunks & ~itself
    ).full
    # The best copy of each question, in the order ranked.
    _, firsts = np.unique(table.group_leaders[ranked.ordinals], return_index=True)
    listed = ranked.reordered(np.sort(firsts)[:RELATED_COUNT])
    return [
        DocumentSummary.of(generation.stored.chunk(chunk)) for chunk in listed.chunks().tolist()
    ]
