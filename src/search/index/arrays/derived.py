"""What a generation holds besides Whoosh's own files: arrays derived from them for the search.

After Whoosh commits a generation, the writer completes it (`complete_generation`) before
making it current: a postings file for each segment that has none (`postings`), the
per-document table (`document_table`) and the vocabulary with its spelling index
(`vocabulary`). Segment files are named after their segment and hard-linked by updates like
Whoosh's own; the generation's tables are written anew for each generation.
"""

from __future__ import annotations

from pathlib import Path

from search.index.arrays.document_table import TABLE_FILE, write_document_table
from search.index.arrays.postings import complete_postings
from search.index.arrays.vocabulary import VOCABULARY_FILE, write_vocabulary

# The files made for each generation as a whole (never carried from one to the next).
GENERATION_FILES = (TABLE_FILE, VOCABULARY_FILE)


def complete_generation(generation: Path, previous: Path | None = None) -> None:
    """Write a committed generation's derived arrays; an update's `previous` generation lends
    what its tables hold for the words and members it already knew."""
    complete_postings(generation)
    write_document_table(generation, previous)
    write_vocabulary(generation, previous)
