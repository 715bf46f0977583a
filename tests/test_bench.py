"""The benchmark's parts: the scaled corpus, the query mix, the peers and the report's verdicts.
The harness end to end runs in CI as a 1,000-document smoke run (`.ci/run`)."""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest

import scaled_corpus
from peers import NaiveWhoosh, SqliteFts5
from report import markdown
from run import (
    Failures,
    _http_run,
    median_latency,
    parse_options,
    read_queries,
    update_figures,
)
from scaled_corpus import Sources, extra_records, recombined_record, write_corpus
from search.engine.evaluation import unique_documents
from search.engine.request import parse_request
from search.engine.searching import SearchEngine
from search.index.generations.writing import build_index
from search.ingest.corpus import read_documents
from serving import running_server
from tests.conftest import chamber_records, write_jsonl

MIX = read_queries(scaled_corpus.ROOT / "bench" / "queries.tsv")


@pytest.fixture(scope="module")
def sources():
    return Sources.read()


def test_a_small_corpus_is_the_bundled_one_cut_to_size(tmp_path, sources):
    counts = write_corpus(tmp_path / "corpus", 3812, sources)
    assert counts == {
        "chamber_2017": 3811,
        "flemish": 1,
        "chamber_2020_questions": 0,
        "recombined": 0,
    }
    assert len(list((tmp_path / "corpus" / "vlaams-parlement").iterdir())) == 1


def test_a_larger_corpus_adds_the_2020_questions_then_recombined_documents(tmp_path, sources):
    size = sources.bundled_size + len(sources.records_2020) + 40
    counts = write_corpus(tmp_path / "corpus", size, sources)
    assert counts == {
        "chamber_2017": 3811,
        "flemish": 2,
        "chamber_2020_questions": 6059,
        "recombined": 40,
    }
    chamber = tmp_path / "corpus" / "dekamer"
    skipped = []
    documents = [
        *read_documents(chamber / "qrva-2020.jsonl.gz", skipped),
        *read_documents(chamber / "recombined.jsonl.gz", skipped),
    ]
    assert skipped == []
    ids = {document.id for document in documents}
    assert len(ids) == 6059 + 40
    recombined = documents[-40:]
    assert recombined[0].id == "dekamer-90000000"
    assert all(dt.date(2008, 1, 1) <= d.date <= dt.date(2024, 12, 31) for d in recombined)
    assert all(d.title and d.question and d.member and d.minister_title for d in recombined)
    assert sum(bool(d.answer) for d in recombined) > 30
    assert all(d.date.year == 2020 and d.title for d in documents[:6059])


def test_recombined_documents_are_deterministic_and_differ_from_each_other(sources):
    first = [recombined_record(sources, n) for n in range(20)]
    assert first == [recombined_record(sources, n) for n in range(20)]
    assert len({record["question"] for record in first}) == 20
    # Every recombined question mixes real sentences: none is a 2017 question as it was.
    real = {record["question"] for record in sources.records_2017}
    assert not real & {record["question"] for record in first}


def test_documents_for_an_update_are_new(sources):
    extra = list(extra_records(sources, 40, 3))
    assert [record["doc_id"] for record in extra] == [90_000_040, 90_000_041, 90_000_042]
    assert extra[0] == recombined_record(sources, 40)


def test_the_query_mix_has_every_kind_and_each_line_is_a_valid_search(engine):
    kinds = {query.kind for query in MIX}
    assert kinds == {"term", "words", "phrase", "filter", "facets", "date", "prefix", "misspelled"}
    for query in MIX:
        search = parse_request(parse_qs(query.params))
        assert search.q and query.peer_text, query
    sorted_ones = [query for query in MIX if query.kind == "date"]
    assert all(parse_request(parse_qs(q.params)).sort for q in sorted_ones)
    filtered = [parse_request(parse_qs(q.params)) for q in MIX if q.kind == "filter"]
    assert sum(bool(search.filters) for search in filtered) >= 3
    # Each misspelled query gets a suggestion, even from the test index's few documents.
    for query in MIX:
        if query.kind == "misspelled":
            assert engine.search(parse_request(parse_qs(query.params))).suggestion, query


def test_latency_figures_cover_every_query_and_kind():
    seen = []
    options = argparse.Namespace(runs=2, repeats=3)
    figures = median_latency(seen.append, MIX, options)
    assert len(seen) == len(MIX) * (1 + 2 * 3)  # a warm-up pass, then 2 runs of 3
    assert figures["queries"] == len(MIX) * 3
    assert 0 <= figures["p50"] <= figures["p95"] <= figures["p99"]
    assert figures["p50_by_kind"].keys() == {query.kind for query in MIX}
    assert figures["p95_by_kind"].keys() == figures["p50_by_kind"].keys()
    for kind, p50 in figures["p50_by_kind"].items():
        assert p50 <= figures["p95_by_kind"][kind]


@pytest.fixture(scope="module")
def peer_documents(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("peer-corpus")
    write_jsonl(corpus / "dekamer" / "sample.jsonl", chamber_records(set(range(184501, 184541))))
    return list(unique_documents(corpus))


@pytest.mark.parametrize("make_peer", [NaiveWhoosh, SqliteFts5])
def test_each_peer_finds_a_document_by_its_title_words(tmp_path, peer_documents, make_peer):
    peer = make_peer(tmp_path / "peer")
    peer.build(peer_documents)
    wanted = peer_documents[7]
    count, top = peer.search(wanted.title)
    assert count >= 1
    assert wanted.id in [doc_id for doc_id, _ in top[:3]]
    assert all(snippet for _, snippet in top)
    assert peer.search("woordendiegeenenkeldocumentbevat") == (0, [])
    assert peer.size_bytes() > 0


def test_fts5_queries_are_made_of_our_stems():
    fts5 = SqliteFts5(":memory:")
    expression = fts5.match_expression('"sociale zekerheid" treinen belasting* de')
    assert expression == '"sociaal zekerheid" OR "trein" OR "belasting" *'


def test_the_peers_measured_are_chosen_by_name(monkeypatch):
    def options(*arguments: str) -> argparse.Namespace:
        monkeypatch.setattr("sys.argv", ["run.py", *arguments])
        return parse_options()

    assert options().peers == ("whoosh", "fts5")
    assert options("--peers", "fts5").peers == ("fts5",)
    assert options("--no-peers").peers == ()
    with pytest.raises(SystemExit):
        options("--peers", "lucene")


def test_a_failed_measurement_is_reported_and_the_others_go_on():
    failures, figures = Failures(), {}
    failures.attempt(figures, "broken", lambda: 1 / 0)
    failures.attempt(figures, "working", lambda: {"seconds": 1.5})
    assert figures == {
        "broken": {"error": "ZeroDivisionError: division by zero"},
        "working": {"seconds": 1.5},
    }
    assert failures.errors == ["broken: ZeroDivisionError: division by zero"]


def test_the_report_gives_ratios_and_verdicts_honestly():
    sizes = [
        {
            "docs": 4000,
            "build_1_procs": {"skipped": "1-process build skipped above 2000"},
            "build_2_procs": {"seconds": 100.0, "docs_per_s": 40.0, "peak_mb": 300.0},
            "search": {
                "p50": 30.0,
                "p95": 40.0,
                "p99": 50.0,
                "p95_by_kind": {"term": 20.0, "misspelled": 90.0},
            },
            "http": {"error": "RuntimeError: the server stopped"},
            "index_mb": 60.0,
            "update": {"seconds": 8.0, "peak_mb": 300.0, "nothing_to_do": {"seconds": 0.5}},
            "whoosh": {
                "build_seconds": 50.0,
                "docs_per_s": 80.0,
                "size_mb": 30.0,
                "search": {"p50": 60.0, "p95": 160.0, "p99": 200.0},
            },
            "fts5": {
                "build_seconds": 10.0,
                "docs_per_s": 400.0,
                "search": {"p50": 1.0, "p95": 2.0, "p99": 4.0},
            },
        }
    ]
    environment = {
        "date": "2026-11-27",
        "commit": "abc",
        "python": "3.11",
        "cpus": 2,
        "sqlite": "3",
    }
    report = {"environment": environment, "options": {"runs": 3, "repeats": 5}, "sizes": sizes}
    report["first_start"] = {"seconds": 20.0, "documents": 3813}
    lines = markdown(report).splitlines()
    # Times: the peer's over ours; rates: ours over the peer's. Above 1 is better.
    assert "| search p95 (ms) | 40.0 | 160.0 | 4.00× | 2.0 | 0.05× |" in lines
    assert "| documents/s, 2 processes | 40 | 80 | 0.50× | 400 | 0.10× |" in lines
    assert "| full build, 1 process (s) | – | 50.0 |  | 10.0 |  |" in lines
    assert "- build_1_procs: 1-process build skipped above 2000" in lines
    assert "- http: RuntimeError: the server stopped" in lines
    assert "| search p50 ≤ 15 ms | 100,000 | 4,000 | 30.0 | no (already at 4,000) |" in lines
    assert "| search p95 of the slowest kind (ms) | 90.0 | – |  | – |  |" in lines
    assert (
        "| p95 of the slowest query kind ≤ 80 ms | 100,000 | 4,000 | 90.0 "
        "| no (already at 4,000) |" in lines
    )
    assert (
        "| full build ≤ 180 s, 2 processes | 100,000 | 4,000 | 100.0 | unknown (met at 4,000) |"
        in lines
    )
    assert (
        "| ≥ 10× faster than naive Whoosh at p95 | 100,000 | 4,000 | 4.0 "
        "| unknown (missed at 4,000) |" in lines
    )
    assert (
        "| ≥ 0.5× SQLite FTS5's speed at p95 | 100,000 | 4,000 | 0.1 "
        "| unknown (missed at 4,000) |" in lines
    )
    assert (
        "| HTTP p95 ≤ 100 ms, 8 clients, --workers 2 (the default on 2 cores) | 4,000 | – | – "
        "| not measured |" in lines
    )
    assert "| update, nothing to do (s) | 0.50 | – |  | – |  |" in lines
    assert "| index size (MB) | 60.0 | 30.0 | 0.50× | – |  |" in lines
    assert (
        "| index size ≥ 0.6× naive Whoosh's (naive size over ours) | 20,000 | 4,000 | 0.5 "
        "| unknown (missed at 4,000) |"
    ) in lines
    assert (
        "| full build no slower than naive Whoosh's (ratio ≥ 1.0), 2 processes | 20,000 | 4,000 "
        "| 0.5 | unknown (missed at 4,000) |"
    ) in lines
    assert (
        "| update with nothing to do ≤ 1 s | 100,000 | 4,000 | 0.5 | unknown (met at 4,000) |"
        in lines
    )
    assert "| first start on the bundled corpus ≤ 15 s | bundled | 3,813 | 20.0 | no |" in lines
    assert lines[2].startswith("First start of `parlsearch serve` on the bundled corpus (3,813")


def test_the_bundled_2020_questions_are_the_shared_corpus_file():
    with gzip.open(scaled_corpus.QUESTIONS_2020, "rt", encoding="utf-8") as lines:
        first = json.loads(next(lines))
    assert set(first) == {"doc_id", "text_nl"}
    assert first["doc_id"].startswith("http://data.dekamer.be/v0/qrva/")


def test_searches_the_time_budget_turns_away_are_counted_not_fatal(index_dir, monkeypatch):
    monkeypatch.setenv("PARLSEARCH_TIME_BUDGET", "0.000001")
    with running_server(index_dir) as server:
        over = _http_run(server.port, [(200, "/search?q=minister+OF+vraag")], 2, 4)
        assert over["over_budget"] == 4
        assert over["rps"] == 0
        with pytest.raises(RuntimeError, match="failed requests"):
            _http_run(server.port, [(200, "/documents/bestaat-niet")], 1, 1)


def test_outputs_are_written_and_a_changed_answer_is_found(index_dir, sample_corpus, tmp_path):
    import outputs

    count = outputs.write(index_dir, sample_corpus, tmp_path / "before", eval_files=[])
    listed = (tmp_path / "before" / "requests.tsv").read_text(encoding="utf-8")
    assert count == len(listed.splitlines()) > 300
    assert "GET\t/api/search?q=trein\n" in listed and "CLI\tquery trein --json\n" in listed
    shutil.copytree(tmp_path / "before", tmp_path / "after")
    assert outputs.compare(tmp_path / "before", tmp_path / "after") == 0
    changed = next(
        line.split("\t")[0] for line in listed.splitlines() if line.endswith("/api/search?q=trein")
    )
    answer = tmp_path / "after" / changed
    answer.write_bytes(answer.read_bytes().replace(b'"total":', b'"total": '))
    assert outputs.compare(tmp_path / "before", tmp_path / "after") == 1


def test_cpu_prints_the_least_cpu_per_request_of_the_mix(index_dir, monkeypatch, capsys):
    import cpu

    monkeypatch.setattr("sys.argv", ["cpu.py", "--index", str(index_dir), "--rounds", "1"])
    cpu.main()
    lines = capsys.readouterr().out.splitlines()
    mix = read_queries(Path(cpu.__file__).with_name("queries.tsv"))
    assert lines[0].endswith(f"{len(mix)} requests of queries.tsv, least CPU of 1 rounds:")
    figures = {line.split()[0]: float(line.split()[-2]) for line in lines[1:]}
    assert set(figures) == {"core", "HTML"} and all(value > 0 for value in figures.values())
    # The least of the rounds, after one to warm up.
    calls = []
    assert cpu.least_cpu(lambda: calls.append(1), 3) >= 0 and len(calls) == 4


def test_the_update_figures_can_be_measured_again_on_the_same_index(
    sample_corpus, tmp_path, sources
):
    # The update's 100 documents leave the index with the corpus file that held them, so that a
    # second run on the same index (`--reuse-index`) adds them anew instead of failing.
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(sample_corpus, corpus)
    build_index(corpus, index)
    documents = SearchEngine(index).stats().documents
    for _ in range(2):
        figures = update_figures(corpus, index, documents, sources)
        assert figures["documents"] == 100
        assert SearchEngine(index).stats().documents == documents
