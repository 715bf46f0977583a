"""The rows of an export (CSV, RIS, BibTeX), collected from the matching set: every document
holding all the query's words, in the search's order (or only the results of the request's
page), with its themes, official reference, question number and best passage, and, when asked
for, its whole question and answer."""

from __future__ import annotations

from search.engine.citation import official_reference
from search.engine.matches import Matches
from search.engine.pages import Export, ExportedDocument, whole_texts
from search.engine.passages import best_passage
from search.engine.results import page_groups
from search.index.generations.stored_chunks import StoredChunk

# The most documents an export holds.
EXPORT_LIMIT = 10_000


def export(matches: Matches, *, texts: bool = False, page: bool = False) -> Export:
    """Every matching document, up to `EXPORT_LIMIT` (with `page`, the first document of each
    result of the request's page), each row read as it is consumed; with `texts`, each row holds
    the document's whole question and answer."""
    if page:
        chosen = [group[0].chunk for group in page_groups(matches)[1]]
    else:
        chosen = matches.full.chunks(EXPORT_LIMIT).tolist()
    rows = (_row(matches, matches.generation.stored.chunk(chunk), texts) for chunk in chosen)
    return Export(matches.total, rows)


def _row(matches: Matches, chunk: StoredChunk, texts: bool) -> ExportedDocument:
    """An export's row from the document's best chunk; with `texts`, the document's whole
    question and answer read from all its chunks."""
    question = answer = ""
    if texts:
        ordinal = matches.table.ordinal_of(chunk.doc_id)
        chunks = matches.generation.document_chunks(ordinal)
        question, answer = whole_texts((c.ref, c.question, c.answer) for c in chunks)
    return ExportedDocument.of(
        chunk,
        themes=chunk.themes,
        reference=official_reference(chunk.source, chunk.doc_id, chunk.question_number, chunk.date),
        passage=best_passage(chunk, matches.finder),
        number=chunk.question_number,
        question=question,
        answer=answer,
    )
