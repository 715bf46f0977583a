"""How the documents matching a search spread over time: a count per month, or per year when
the matching documents span more than `MAX_MONTHS` months.

The periods run from the first to the last period holding a matching document, empty ones
included, so that gaps show. Counted from the document table's month of every document, the
counts of all periods plus `undated` plus `outside` add up to the search's total: a document
dated outside the years a parliament can have filed it (before `FIRST_YEAR` or after next year:
a record dated 0001-01-01 made 2,017 yearly bars and a page of 140 KB) is counted apart and
kept out of the span.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from search.engine.matches import Matches
from search.ingest.parse_flemish import month_name

MONTH, YEAR = "maand", "jaar"
# The most months shown one by one; a longer span is counted per year.
MAX_MONTHS = 36
# The first year of a plausible date: the Belgian Chamber's first session.
FIRST_YEAR = 1831


@dataclass(frozen=True)
class Period:
    """A month or a year, with the number of matching documents filed in it."""

    start: dt.date
    end: dt.date
    count: int
    unit: str

    @property
    def label(self) -> str:
        """ "maart 2017", or "2017" for a year."""
        if self.unit == YEAR:
            return str(self.start.year)
        return f"{month_name(self.start.month)} {self.start.year}"

    @property
    def short_label(self) -> str:
        """A label for a narrow bar: "mrt", or "2017" for a year."""
        if self.unit == YEAR:
            return str(self.start.year)
        return month_name(self.start.month)[:3]


@dataclass(frozen=True)
class Histogram:
    """The matching documents per period, in date order, and those without a date."""

    unit: str = MONTH
    periods: tuple[Period, ...] = ()
    undated: int = 0
    # Documents dated outside the plausible years (`plausible_years`), left out of the periods.
    outside: int = 0

    @property
    def peak(self) -> int:
        """The largest count of a period (0 without periods)."""
        return max((period.count for period in self.periods), default=0)


def search_histogram(matches: Matches) -> Histogram:
    """The histogram of a search's documents holding every word of the query."""
    return histogram(matches.table.months[matches.full.members])


def plausible_years() -> tuple[int, int]:
    """The first and last year a document can plausibly be dated: from the Chamber's first
    session to next year."""
    return FIRST_YEAR, dt.date.today().year + 1


def histogram(months: np.ndarray) -> Histogram:
    """The histogram of documents given by their months (year * 12 + month - 1; negative for
    undated documents), as `DocumentTable.months` holds them."""
    first_year, last_year = plausible_years()
    dated = months[months >= 0]
    undated = int(months.size - dated.size)
    dated = dated[(dated >= first_year * 12) & (dated < (last_year + 1) * 12)]
    outside = int(months.size - undated - dated.size)
    if not dated.size:
        return Histogram(undated=undated, outside=outside)
    first, last = int(dated.min()), int(dated.max())
    if last - first < MAX_MONTHS:
        counts = np.bincount(dated - first, minlength=last - first + 1)
        periods = [_month(first + offset, int(n)) for offset, n in enumerate(counts)]
        return Histogram(MONTH, tuple(periods), undated, outside)
    years = dated // 12
    counts = np.bincount(years - years.min(), minlength=int(years.max() - years.min()) + 1)
    start = int(years.min())
    periods = [_year(start + offset, int(n)) for offset, n in enumerate(counts)]
    return Histogram(YEAR, tuple(periods), undated, outside)


def _month(number: int, count: int) -> Period:
    year, month = divmod(number, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return Period(dt.date(year, month + 1, 1), dt.date(year, month + 1, last_day), count, MONTH)


def _year(year: int, count: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), count, YEAR)


# How the chart draws the periods (its bars); the periods themselves, which the JSON and the
# chart's table give, stay as `histogram` counts them. A run of at least `FOLDED` empty periods is
# drawn as one gap; months that are still mostly empty after that, spanning more than one year,
# are drawn per year.
FOLDED = 3
MOSTLY_EMPTY = 0.5


@dataclass(frozen=True)
class Gap:
    """A run of periods without a matching document, drawn as one break in the chart."""

    first: Period
    last: Period
    count = 0

    @property
    def label(self) -> str:
        """ "april 2017 tot en met augustus 2017", or "2018 tot en met 2021"."""
        return f"{self.first.label} tot en met {self.last.label}"

    @property
    def unit(self) -> str:
        """The unit of the periods it folds."""
        return self.first.unit


def bars(histogram: Histogram) -> tuple[Period | Gap, ...]:
    """The periods as the chart draws them: each run of `FOLDED` or more empty periods as one
    `Gap`, and per year rather than per month when most of what is left is empty and the months
    span more than one year. The counts add up to the histogram's."""
    periods = histogram.periods
    drawn = _folded(periods)
    if (
        histogram.unit == MONTH
        and periods
        and periods[0].start.year != periods[-1].start.year
        and sum(not bar.count for bar in drawn) > MOSTLY_EMPTY * len(drawn)
    ):
        drawn = _folded(_per_year(periods))
    return tuple(drawn)


def _per_year(months: tuple[Period, ...]) -> tuple[Period, ...]:
    """Months counted per year, from the first month's year to the last's."""
    first = months[0].start.year
    counts = [0] * (months[-1].start.year - first + 1)
    for month in months:
        counts[month.start.year - first] += month.count
    return tuple(_year(first + offset, count) for offset, count in enumerate(counts))


def _folded(periods: tuple[Period, ...]) -> list[Period | Gap]:
    """The periods with each run of `FOLDED` or more empty ones as one gap."""
    drawn: list[Period | Gap] = []
    empty: list[Period] = []
    for period in (*periods, None):
        if period is not None and not period.count:
            empty.append(period)
            continue
        drawn += [Gap(empty[0], empty[-1])] if len(empty) >= FOLDED else empty
        empty = []
        if period is not None:
            drawn.append(period)
    return drawn
