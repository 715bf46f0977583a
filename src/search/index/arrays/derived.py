"""What a generation holds besides Whoosh's own files: arrays derived from them for the search.

After Whoosh commits a generation, the writer completes it (`complete_generation`) before
making it current: a postings file for each segment that has none (`postings`), the
per-document table (`document_table`) and the vocabulary with its spelling index
(`vocabulary`). Segment files are named after their segment and copied by updates like
Whoosh's own; the generation's tables are written anew for each generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from search.index.arrays.document_table import TABLE_FILE, write_document_table
from search.index.arrays.postings import complete_postings
from search.index.arrays.vocabulary import VOCABULARY_FILE, write_vocabulary
from search.text.analysis import WordTerms

# The files made for each generation as a whole (never carried from one to the next).
GENERATION_FILES = (TABLE_FILE, VOCABULARY_FILE)


@dataclass
class LexiconFacts:
    """What the Dutch lexicon and simplemma say of a generation's words and people, for its
    tables: each word's terms (`vocabulary.vocabulary_terms`) and each person's surname
    frequency (`document_table.surname_frequencies`), functions of the word or the name alone.

    The processes that analyse a build's documents have the lexicon and simplemma loaded and
    most words' terms at hand (the ranked fields index them); they work these out with each
    batch and hand them to the process that writes the build, which then need neither load the
    lexicon and simplemma (about a second) nor analyse every word of the vocabulary again
    (about 3 s for the bundled corpus's 60,000 words). They take about 370 bytes a word (22 MB
    for those 60,000), held from the first batch on; the vocabulary held every new word's terms
    at once anyway when it was written."""

    terms: dict[str, WordTerms | None] = field(default_factory=dict)
    surnames: dict[str, float] = field(default_factory=dict)

    def update(self, other: LexiconFacts) -> None:
        """Add what `other` holds."""
        self.terms.update(other.terms)
        self.surnames.update(other.surnames)


def complete_generation(
    generation: Path,
    previous: Path | None = None,
    facts: LexiconFacts | None = None,
    storage: FileStorage | None = None,
) -> None:
    """Write a committed generation's derived arrays; an update's `previous` generation lends
    what its tables hold for the words and members it already knew, and `facts` what the
    processes that analysed the documents worked out. `storage` reads the generation's files
    for the document table (see `document_table.table_arrays`)."""
    facts = facts or LexiconFacts()
    complete_postings(generation)
    write_document_table(generation, previous, facts.surnames, storage)
    write_vocabulary(generation, previous, facts.terms)
