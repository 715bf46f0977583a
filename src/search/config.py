"""Where the corpus and the index live: options first, then environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

INDEX_ENV = "PARLSEARCH_INDEX"
CORPUS_ENV = "PARLSEARCH_CORPUS"


@dataclass(frozen=True)
class Paths:
    """The corpus folder and the index folder."""

    corpus: Path
    index: Path


def resolve_paths(corpus: str | Path | None = None, index: str | Path | None = None) -> Paths:
    """Explicit values, else $PARLSEARCH_CORPUS / $PARLSEARCH_INDEX, else ./corpus and ./index."""
    return Paths(
        corpus=Path(corpus or os.environ.get(CORPUS_ENV) or "corpus"),
        index=Path(index or os.environ.get(INDEX_ENV) or "index"),
    )
