"""The time histogram of every results page: counts per month (per year over a long span) that
add up to the total, each period a link that narrows the search to it; its chart folds long runs
of empty periods and draws scattered months per year, its table lists every period."""

import datetime as dt
from urllib.parse import urlsplit

import numpy as np
import pytest
from bs4 import BeautifulSoup

from search.cli import main
from search.engine.histogram import MAX_MONTHS, Gap, bars, histogram
from search.http.app import create_app
from search.index.generations.writing import build_index
from tests.conftest import chamber_records, write_jsonl


def months(*dates: str) -> np.ndarray:
    return np.array([int(d[:4]) * 12 + int(d[5:7]) - 1 if d else -1 for d in dates], dtype=np.int64)


def test_months_from_the_first_to_the_last_with_the_empty_ones_between():
    result = histogram(months("2017-01-04", "2017-01-31", "2017-03-01", ""))
    assert result.unit == "maand"
    assert [(p.start, p.end, p.count) for p in result.periods] == [
        (dt.date(2017, 1, 1), dt.date(2017, 1, 31), 2),
        (dt.date(2017, 2, 1), dt.date(2017, 2, 28), 0),
        (dt.date(2017, 3, 1), dt.date(2017, 3, 31), 1),
    ]
    assert result.undated == 1
    assert [p.label for p in result.periods] == ["januari 2017", "februari 2017", "maart 2017"]
    assert result.peak == 2


def test_a_long_span_is_counted_per_year():
    within = histogram(months("2017-01-04", f"{2017 + (MAX_MONTHS - 1) // 12}-12-01"))
    assert within.unit == "maand" and len(within.periods) == MAX_MONTHS
    longer = histogram(months("2017-01-04", "2019-12-09", "2024-01-11"))
    assert longer.unit == "jaar"
    assert [(p.label, p.count) for p in longer.periods] == [
        ("2017", 1), ("2018", 0), ("2019", 1), ("2020", 0),
        ("2021", 0), ("2022", 0), ("2023", 0), ("2024", 1),
    ]  # fmt: skip
    assert longer.periods[-1].end == dt.date(2024, 12, 31)


def test_no_documents_no_periods():
    empty = histogram(months())
    assert empty.periods == () and empty.undated == 0 and empty.peak == 0


@pytest.mark.parametrize(
    "params", ["q=veiligheid", "q=veiligheid&bron=dekamer", "status=beantwoord", "q=trein"]
)
def test_the_json_counts_add_up_to_the_total(client, params):
    data = client.get(f"/api/search?{params}").get_json()
    counted = sum(p["count"] for p in data["histogram"]["periods"])
    assert counted + data["histogram"]["undated"] == data["total"]


def test_each_bar_links_to_its_period_and_finds_its_count(client):
    data = client.get("/api/search?q=veiligheid&bron=dekamer").get_json()
    assert data["histogram"]["unit"] == "maand"
    page = BeautifulSoup(
        client.get("/search?q=veiligheid&bron=dekamer").get_data(as_text=True), "html.parser"
    )
    bars = page.select(".histogram svg a")
    periods = [p for p in data["histogram"]["periods"] if p["count"]]
    assert len(bars) == len(periods) > 1
    for bar, period in zip(bars, periods, strict=True):
        assert bar["href"] == (
            f"/search?q=veiligheid&bron=dekamer&van={period['start']}&tot={period['end']}"
        )
        assert bar["aria-label"].startswith(f"{period['label']}: {period['count']} document")
        narrowed = client.get("/api/search?" + urlsplit(bar["href"]).query).get_json()
        assert narrowed["total"] == period["count"]
    # The text alternative: the same periods and counts as a table, empty periods included.
    rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in page.select(".histogram-table tbody tr")
    ]
    assert rows == [[p["label"], str(p["count"])] for p in data["histogram"]["periods"]]


def test_a_bar_keeps_within_the_range_already_asked(client):
    page = BeautifulSoup(
        client.get("/search?q=veiligheid&van=2017-01-05&tot=2017-01-20").get_data(as_text=True),
        "html.parser",
    )
    (bar,) = page.select(".histogram svg a")
    assert bar["href"].endswith("van=2017-01-05&tot=2017-01-20")


def test_no_histogram_without_results(client):
    data = client.get("/api/search?q=xyzzyqq").get_json()
    assert data["histogram"] == {"unit": "maand", "periods": [], "undated": 0, "outside": 0}
    page = client.get("/search?q=xyzzyqq").get_data(as_text=True)
    assert 'class="histogram"' not in page


def test_the_cli_prints_the_periods(runner, index_dir):
    result = runner.invoke(main, ["query", "veiligheid", "--index", str(index_dir)])
    assert "per jaar: 2017 " in result.output


def test_dates_no_parliament_could_have_filed_are_counted_apart():
    """Issue 22 row 14: a record dated 0001-01-01 made 2,017 yearly bars."""
    result = histogram(months("0001-01-01", "2017-01-04", "2017-02-01", "9999-12-31", ""))
    assert result.unit == "maand"
    assert [(p.label, p.count) for p in result.periods] == [
        ("januari 2017", 1),
        ("februari 2017", 1),
    ]
    assert (result.undated, result.outside) == (1, 2)


def test_an_implausible_date_in_the_corpus_is_shown_apart_not_spread_over_the_years(
    tmp_path, runner
):
    records = chamber_records({184501, 184502, 184503})
    records[0]["depotdat"] = "0001-01-01"
    write_jsonl(tmp_path / "corpus" / "kamer.jsonl", records)
    index = tmp_path / "index"
    build_index(tmp_path / "corpus", index)
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    data = client.get("/api/search?q=").get_json()["histogram"]
    assert data["unit"] == "maand" and len(data["periods"]) == 1
    assert data["outside"] == 1
    page = client.get("/search?bron=dekamer")
    assert len(page.data) < 60_000
    table = BeautifulSoup(page.data, "html.parser").select_one(".histogram-table")
    assert "datum onwaarschijnlijk (niet getoond)" in table.get_text(" ")
    result = runner.invoke(main, ["query", "", "--bron", "dekamer", "--index", str(index)])
    assert "met een onwaarschijnlijke datum (niet per periode geteld): 1" in result.output


# The chart's bars: chosen by how the documents spread, the periods themselves unchanged.


def drawn(*dates: str) -> list[tuple[str, int]]:
    return [(bar.label, bar.count) for bar in bars(histogram(months(*dates)))]


def test_long_runs_of_empty_months_fold_into_one_gap():
    # Jan Jambon's documents: most in the first half of 2017, one at the end of 2019: 36 months,
    # 33 of them empty, which squeezed the bars to one side.
    counted = histogram(months("2017-01-09", "2017-01-10", "2017-05-02", "2019-12-09"))
    assert counted.unit == "maand" and len(counted.periods) == 36
    assert [(bar.label, bar.count) for bar in bars(counted)] == [
        ("januari 2017", 2),
        ("februari 2017 tot en met april 2017", 0),
        ("mei 2017", 1),
        ("juni 2017 tot en met november 2019", 0),
        ("december 2019", 1),
    ]
    gap = next(bar for bar in bars(counted) if isinstance(bar, Gap))
    assert (gap.first.start, gap.last.end) == (dt.date(2017, 2, 1), dt.date(2017, 4, 30))
    # Shorter runs stay as they are.
    assert drawn("2017-01-09", "2017-03-02", "2017-06-30") == [
        ("januari 2017", 1), ("februari 2017", 0), ("maart 2017", 1),
        ("april 2017", 0), ("mei 2017", 0), ("juni 2017", 1),
    ]  # fmt: skip


def test_months_still_mostly_empty_are_drawn_per_year():
    # A document every third month for two years: after folding, two empty months a bar.
    scattered = [f"{year}-{month:02}-15" for year in (2017, 2018) for month in (1, 4, 7, 10)]
    assert drawn(*scattered) == [("2017", 4), ("2018", 4)]
    # Within one year the months stay, however empty.
    assert drawn("2017-01-15", "2017-03-15", "2017-05-15", "2017-07-15")[0] == ("januari 2017", 1)
    # Years fold their gaps too.
    assert drawn("2010-03-01", "2017-01-04", "2017-02-01") == [
        ("2010", 1), ("2011 tot en met 2016", 0), ("2017", 2),
    ]  # fmt: skip


@pytest.mark.parametrize("params", ["minister=jambon", "q=veiligheid", "q=veiligheid&bron=dekamer"])
def test_the_chart_folds_gaps_and_its_table_keeps_every_period(client, params):
    data = client.get(f"/api/search?{params}").get_json()["histogram"]
    page = BeautifulSoup(client.get(f"/search?{params}").get_data(as_text=True), "html.parser")
    chart = page.select_one(".histogram svg")
    filled = [p for p in data["periods"] if p["count"]]
    # A bar a period with documents, each linking to its period; the gaps between are folded.
    labels = [bar["aria-label"].split(":")[0] for bar in chart.select("a")]
    assert labels == [p["label"] for p in filled]
    assert chart.select("g.gap title")
    assert chart["aria-label"].startswith(
        f"Documenten per {data['unit']}, van {filled[0]['label']} tot {filled[-1]['label']}"
    )
    rows = [row.th.get_text(strip=True) for row in page.select(".histogram-table tbody tr")]
    assert rows == [p["label"] for p in data["periods"]]
