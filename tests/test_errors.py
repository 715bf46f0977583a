"""Errors carry their status: one base class, one handler in the web app, one mapping in the CLI."""

from pathlib import Path

import pytest

from search.cli import main as cli
from search.engine.limits import SearchTimeout
from search.engine.query import QueryError
from search.engine.searching import SearchEngine
from search.errors import INTERNAL_ERROR, ParlsearchError
from search.http.app import create_app
from search.http.serving import PortInUseError
from search.index.format.segment_files import IndexLockedError
from search.index.generations.folders import (
    DamagedIndexError,
    IndexBusyError,
    IndexLockError,
    IndexNotWritableError,
    IndexUnreadableError,
    IndexVersionError,
    NoIndexError,
)
from search.index.generations.manifest import ManifestFault
from search.ingest.ministers import MinisterTableError
from search.ingest.parse_chamber import RecordError
from search.ingest.parse_flemish import ParseError

# Each error, its status, the standard base its callers catch it by, and what the web says
# (None: its own text).
ERRORS = [
    (QueryError("De zoekvraag is te lang."), 400, ValueError, None),
    (SearchTimeout(2.0), 503, RuntimeError, None),
    (NoIndexError("Geen zoekindex in /srv/index"), 503, RuntimeError, "nog niet gebouwd"),
    (DamagedIndexError(Path("/srv/index/gen-1"), "kapot"), 503, RuntimeError, None),
    (IndexVersionError("Gebouwd in /srv/index"), 503, RuntimeError, "andere versie"),
    (IndexUnreadableError("/srv/index is een bestand"), 503, RuntimeError, "kan niet gelezen"),
    (ManifestFault("bestand /srv/x ontbreekt"), 503, ParlsearchError, "is beschadigd"),
    (IndexBusyError("/srv/index"), 500, RuntimeError, INTERNAL_ERROR),
    (IndexLockError("/srv/index"), 500, RuntimeError, INTERNAL_ERROR),
    (IndexNotWritableError("/srv/index"), 500, OSError, INTERNAL_ERROR),
    (IndexLockedError("/srv/index"), 500, RuntimeError, INTERNAL_ERROR),
    (PortInUseError("Poort 5000"), 500, OSError, INTERNAL_ERROR),
    (RecordError("geen doc_id"), 500, ValueError, INTERNAL_ERROR),
    (ParseError("leeg bestand"), 500, ValueError, INTERNAL_ERROR),
    (MinisterTableError("line 3"), 500, ValueError, INTERNAL_ERROR),
]


@pytest.mark.parametrize(("error", "status", "base", "shown"), ERRORS)
def test_each_error_carries_its_status_and_keeps_its_base(error, status, base, shown):
    assert isinstance(error, ParlsearchError) and isinstance(error, base)
    assert error.status == status
    if shown is None:
        assert error.message == str(error)
    else:
        assert shown in error.message and "/srv" not in error.message


def test_the_web_answers_any_parlsearch_error_by_its_status(index_dir, monkeypatch, caplog):
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    monkeypatch.setattr(SearchEngine, "search", _raising(SearchTimeout(1.5)))
    answer = client.get("/api/search?q=trein")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["message"] == str(SearchTimeout(1.5))
    # A fault on our side says nothing of itself, and is logged.
    monkeypatch.setattr(SearchEngine, "search", _raising(MinisterTableError("line 3 of /srv")))
    answer = client.get("/search?q=trein")
    assert answer.status_code == 500
    body = answer.get_data(as_text=True)
    assert INTERNAL_ERROR in body and "/srv" not in body
    assert "line 3 of /srv" in caplog.text


def test_the_command_line_prints_the_errors_own_text(runner, index_dir, monkeypatch):
    monkeypatch.setattr(SearchEngine, "search", _raising(NoIndexError("Geen zoekindex in /srv")))
    result = runner.invoke(cli, ["query", "trein", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert result.output == "Fout: Geen zoekindex in /srv\n"


def _raising(error: Exception):
    def raising(*args, **kwargs):
        raise error

    return raising
