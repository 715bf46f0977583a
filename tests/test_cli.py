"""The `parlsearch` command line through click's CliRunner, and `python -m search`."""

import json
import subprocess
import sys

from search.cli import main
from tests.conftest import make_sample_corpus


def test_build_prints_a_summary_and_strict_fails_on_skips(runner, tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    result = runner.invoke(main, ["build", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "Indexed 80 documents" in result.output

    (corpus / "kapot.txt").write_text("geen parlementair document")
    result = runner.invoke(
        main, ["build", "--corpus", str(corpus), "--index", str(index), "--strict"]
    )
    assert result.exit_code == 1
    assert "kapot.txt: no ANTWOORD block found" in result.output
    assert "skipped (--strict)" in result.output


def test_build_reads_folders_from_the_environment(runner, tmp_path, monkeypatch):
    corpus = make_sample_corpus(tmp_path / "corpus")
    monkeypatch.setenv("PARLSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("PARLSEARCH_INDEX", str(tmp_path / "elders"))
    assert runner.invoke(main, ["build"]).exit_code == 0
    assert (tmp_path / "elders" / "CURRENT").is_file()


def test_query_text_and_json(runner, index_dir):
    result = runner.invoke(main, ["query", "freelancers Cultuurloket", "--index", str(index_dir)])
    assert result.exit_code == 0
    assert "vlpar-2019-2020-58" in result.output
    assert "*freelancers*" in result.output
    result = runner.invoke(
        main, ["query", "groene nummers", "--index", str(index_dir), "--limit", "3", "--json"]
    )
    data = json.loads(result.output)
    assert data["total"] == 13  # twelve copies, and "alarmtelefoonnummers" elsewhere
    assert len(data["results"]) == 3


def test_query_errors_are_messages_not_tracebacks(runner, index_dir, tmp_path):
    result = runner.invoke(main, ["query", "a*", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert "minstens 2 letters" in result.output
    result = runner.invoke(main, ["query", "trein", "--index", str(tmp_path / "leeg")])
    assert result.exit_code == 1
    assert "parlsearch build" in result.output


def test_stats(runner, index_dir):
    result = runner.invoke(main, ["stats", "--index", str(index_dir), "--json"])
    data = json.loads(result.output)
    assert data["documents"] == 80
    assert data["per_source"] == {"dekamer": 78, "vlpar": 2}
    assert data["size_bytes"] > 0
    assert data["built"]


def test_python_dash_m_search(index_dir):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "search",
            "query",
            "wateroverlast Demerbekken",
            "--index",
            str(index_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "vlpar-2023-2024-235" in completed.stdout
