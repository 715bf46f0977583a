"""Where the corpus and the index live, and how long a search may run: options first, then
environment variables, then defaults."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from search.engine.limits import DEFAULT_TIME_BUDGET

INDEX_ENV = "PARLSEARCH_INDEX"
CORPUS_ENV = "PARLSEARCH_CORPUS"
TIME_BUDGET_ENV = "PARLSEARCH_TIME_BUDGET"
BASE_URL_ENV = "PARLSEARCH_BASE_URL"


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


def resolve_time_budget(seconds: float | str | None = None) -> float:
    """The seconds a search may run: `seconds`, else $PARLSEARCH_TIME_BUDGET, else the default.

    0 turns the budget off. Raises ValueError for a value that is not a number of seconds.
    """
    value = seconds if seconds is not None else os.environ.get(TIME_BUDGET_ENV)
    if value is None or value == "":
        return DEFAULT_TIME_BUDGET
    try:
        budget = float(value)
    except ValueError:
        budget = math.nan
    if not math.isfinite(budget) or budget < 0:
        raise ValueError(f"De tijdslimiet moet een aantal seconden zijn (0: geen), niet {value!r}.")
    return budget


def resolve_base_url(base_url: str | None = None) -> str:
    """The site's public address for absolute links (feeds, CSV): `base_url`, else
    $PARLSEARCH_BASE_URL, else "" (links relative to the site). Never from a request's `Host`.

    Raises ValueError for a value that is not an http(s) address without query or fragment.
    """
    value = (base_url if base_url is not None else os.environ.get(BASE_URL_ENV) or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"Het basisadres moet een http(s)-adres zijn zoals https://example.org, niet {value!r}."
        )
    return value.rstrip("/")
