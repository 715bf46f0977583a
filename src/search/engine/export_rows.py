"""The rows of an export (CSV), collected from the matching set: every document holding all the
query's words, in the search's order, with its themes, official reference and best passage."""

from __future__ import annotations

from search.engine.citation import official_reference
from search.engine.matches import Matches
from search.engine.pages import Export, ExportedDocument
from search.engine.passages import best_passage
from search.engine.query.matching import Finder
from search.index.generations.stored_chunks import StoredChunk

# The most documents an export holds.
EXPORT_LIMIT = 10_000


def export(matches: Matches) -> Export:
    """Every matching document, up to `EXPORT_LIMIT`, each row read as it is consumed."""
    chosen = matches.full.chunks(EXPORT_LIMIT).tolist()
    stored, finder = matches.generation.stored, matches.finder
    rows = (_row(stored.chunk(chunk), finder) for chunk in chosen)
    return Export(matches.total, rows)


def _row(chunk: StoredChunk, finder: Finder) -> ExportedDocument:
    """An export's row from the document's best chunk."""
    return ExportedDocument.of(
        chunk,
        themes=chunk.themes,
        reference=official_reference(chunk.source, chunk.doc_id, chunk.question_number, chunk.date),
        passage=best_passage(chunk, finder),
    )
