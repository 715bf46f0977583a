"""What the index holds, read from the index itself: per parliament the number of documents, how
many were answered, the first and last date filed; and when the index was built."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.index.arrays.document_table import DocumentTable
from search.ingest.document import ANSWERED, source_name


@dataclass(frozen=True)
class ParliamentCoverage:
    """The documents of one parliament in the index."""

    source: str
    documents: int
    answered: int
    # ISO dates; "" when none of its documents is dated.
    first: str
    last: str

    @property
    def name(self) -> str:
        """The parliament's name, in Dutch."""
        return source_name(self.source)


@dataclass(frozen=True)
class Coverage:
    """The index's documents, per parliament, and the time it was built (ISO, UTC)."""

    parliaments: tuple[ParliamentCoverage, ...]
    built: str

    @property
    def documents(self) -> int:
        """All documents of the index."""
        return sum(parliament.documents for parliament in self.parliaments)


def coverage(table: DocumentTable, built: str) -> Coverage:
    """The coverage of the index whose documents `table` holds."""
    sources = table.columns["bron"]
    answered = table.value_mask("status", ANSWERED)
    parliaments = []
    for code, source in enumerate(sources.labels):
        documents = sources.codes == code
        dated = np.flatnonzero(documents & ~table.undated)
        ranks = table.date_rank[dated]
        parliaments.append(
            ParliamentCoverage(
                source=source,
                documents=int(documents.sum()),
                answered=int((documents & answered).sum()),
                first=str(table.date_values[ranks.min()]) if dated.size else "",
                last=str(table.date_values[ranks.max()]) if dated.size else "",
            )
        )
    parliaments.sort(key=lambda parliament: (-parliament.documents, parliament.source))
    return Coverage(tuple(parliaments), built)
