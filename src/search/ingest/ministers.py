"""Who held a minister's portfolio on a date: the dated table in `data/ministers.tsv`.

The Chamber's records name the minister only by the portfolio's title; the table maps each title
and date to the person who held it, with a short label for the portfolio and the source of each
row. A row without a person says explicitly that the table cannot tell who held the title then;
a title or date without any row is not in the table. Either way no person is guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from search.errors import ParlsearchError

TABLE = "ministers.tsv"
_COLUMNS = ("parliament", "portfolio", "person", "party", "label", "from", "to", "source")


@dataclass(frozen=True)
class Office:
    """One row of the table: a portfolio title held by a person (or by nobody the table knows)
    from `start` to `end`, both inclusive."""

    parliament: str
    portfolio: str
    person: str
    party: str
    label: str
    start: dt.date
    end: dt.date
    source: str

    @property
    def resolved(self) -> bool:
        """Whether the row names the person."""
        return bool(self.person)

    def covers(self, date: dt.date) -> bool:
        """Whether the row speaks for this date."""
        return self.start <= date <= self.end


class MinisterTableError(ParlsearchError, ValueError):
    """The table is malformed, or holds two rows for one title on one date."""


@lru_cache(maxsize=10_000)
def portfolio_key(title: str) -> str:
    """A title compared with case, accents and spacing folded ("Financiën" = "Financien")."""
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


@cache
def offices() -> tuple[Office, ...]:
    """Every row of the bundled table, checked."""
    text = resources.files("search.ingest").joinpath("data", TABLE).read_text(encoding="utf-8")
    return read_offices(text.splitlines())


def read_offices(lines: list[str]) -> tuple[Office, ...]:
    """Rows from the lines of a table (comment lines start with #); raises MinisterTableError."""
    rows = list(csv.reader((line for line in lines if not line.startswith("#")), delimiter="\t"))
    if not rows or tuple(rows[0]) != _COLUMNS:
        raise MinisterTableError(f"the header must be {' '.join(_COLUMNS)}")
    table = tuple(_office(number, row) for number, row in enumerate(rows[1:], start=2))
    _check_overlaps(table)
    return table


def find_office(parliament: str, portfolio: str, date: dt.date | None) -> Office | None:
    """The row for this title on this date (resolved or explicitly not), or None."""
    if date is None or not portfolio:
        return None
    rows = _by_title(offices()).get((parliament, portfolio_key(portfolio)), [])
    return next((office for office in rows if office.covers(date)), None)


def person_offices(person: str) -> list[Office]:
    """The rows naming this person (as written in the table), in date order."""
    return sorted((o for o in offices() if o.person == person), key=lambda o: o.start)


def _office(number: int, row: list[str]) -> Office:
    if len(row) != len(_COLUMNS):
        raise MinisterTableError(f"line {number}: {len(row)} columns, not {len(_COLUMNS)}")
    fields = dict(zip(_COLUMNS, (cell.strip() for cell in row), strict=True))
    try:
        start, end = dt.date.fromisoformat(fields["from"]), dt.date.fromisoformat(fields["to"])
    except ValueError as error:
        raise MinisterTableError(f"line {number}: {error}") from None
    if end < start or not fields["portfolio"] or not fields["label"] or not fields["source"]:
        raise MinisterTableError(f"line {number}: needs a portfolio, label, source and dates")
    return Office(
        parliament=fields["parliament"],
        portfolio=fields["portfolio"],
        person=fields["person"],
        party=fields["party"],
        label=fields["label"],
        start=start,
        end=end,
        source=fields["source"],
    )


@cache
def _by_title(table: tuple[Office, ...]) -> dict[tuple[str, str], list[Office]]:
    """The rows of each (parliament, folded title), in date order."""
    by_title: dict[tuple[str, str], list[Office]] = {}
    for office in table:
        by_title.setdefault((office.parliament, portfolio_key(office.portfolio)), []).append(office)
    for rows in by_title.values():
        rows.sort(key=lambda office: office.start)
    return by_title


def _check_overlaps(table: tuple[Office, ...]) -> None:
    """One title never has two rows on one date: every date resolves to one row or none."""
    for rows in _by_title(table).values():
        for before, after in itertools.pairwise(rows):
            if after.start <= before.end:
                raise MinisterTableError(
                    f"{before.portfolio!r}: {before.person or 'unresolved'} and "
                    f"{after.person or 'unresolved'} overlap on {after.start}"
                )
