"""Relevance metrics on a tiny hand-checked example, the judged-queries file, and `parlsearch
eval` with its baselines on the small real index."""

import json
import math

import pytest

from search.cli import main
from search.engine.evaluation import JudgedQuery, evaluate, read_judged_queries

QUERIES = [
    JudgedQuery("eerste", ("a",)),
    JudgedQuery("tweede", ("b", "c")),
    JudgedQuery("derde", ("z",)),
]
RANKINGS = {"eerste": ["a", "b"], "tweede": ["x", "c", "b"], "derde": ["x", "y"]}


def test_metrics_on_a_hand_checked_example():
    scores = evaluate(QUERIES, lambda text: RANKINGS[text])
    first, second, third = scores.queries
    assert [r.first_relevant_rank for r in scores.queries] == [1, 2, None]
    # "eerste": the main document first, as good as it gets
    assert first.ndcg == 1.0
    # "tweede": a copy (gain 1) at rank 2, the main document (gain 2) at rank 3; the best
    # order would have put the main document first and the copy second
    dcg = 1 / math.log2(3) + 2 / math.log2(4)
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    assert second.ndcg == pytest.approx(dcg / ideal)
    assert third.ndcg == 0.0
    assert scores.mrr == pytest.approx((1 + 1 / 2 + 0) / 3)
    assert scores.success_at_1 == pytest.approx(1 / 3)
    assert scores.success_at_10 == pytest.approx(2 / 3)
    assert scores.ndcg == pytest.approx((1 + dcg / ideal) / 3)
    assert [r.query.text for r in scores.missed] == ["tweede", "derde"]


def test_only_the_top_ten_count():
    ranking = [f"d{i}" for i in range(10)] + ["a"]
    scores = evaluate([JudgedQuery("laat", ("a",))], lambda text: ranking)
    assert scores.mrr == 0.0
    assert scores.success_at_10 == 0.0


def test_read_judged_queries(tmp_path):
    path = tmp_path / "queries.tsv"
    path.write_text("# comment\nsociale zekerheid\tdekamer-1, dekamer-2\n\n", encoding="utf-8")
    assert read_judged_queries(path) == [
        JudgedQuery("sociale zekerheid", ("dekamer-1", "dekamer-2"))
    ]
    path.write_text("zonder tab\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"queries\.tsv:1"):
        read_judged_queries(path)


@pytest.fixture()
def judged_file(tmp_path):
    path = tmp_path / "queries.tsv"
    path.write_text(
        "regiocoördinatoren Cultuurloket\tvlpar-2019-2020-58\n"
        "draaiboeken lokale besturen wateroverlast\tvlpar-2023-2024-235\n",
        encoding="utf-8",
    )
    return path


def test_eval_prints_parlsearch_and_both_baselines(runner, index_dir, sample_corpus, judged_file):
    args = ["eval", str(judged_file), "--index", str(index_dir), "--corpus", str(sample_corpus)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ["parlsearch", "whoosh-standard", "snowball"] in [line.split() for line in lines]
    mrr = next(line for line in lines if line.startswith("MRR@10"))
    assert mrr.split()[1] == "1.000"
    assert "Niet als eerste gevonden door parlsearch (0)" in result.output


def test_eval_json_without_baselines(runner, index_dir, judged_file):
    args = ["eval", str(judged_file), "--index", str(index_dir), "--no-baselines", "--json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["queries"] == 2
    [system] = data["systems"]
    assert system["name"] == "parlsearch"
    assert system["mrr_at_10"] == 1.0
    assert system["queries"][0]["first_relevant_rank"] == 1


def test_eval_reports_a_bad_file(runner, index_dir, tmp_path):
    path = tmp_path / "kapot.tsv"
    path.write_text("geen tab hier\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", str(path), "--index", str(index_dir)])
    assert result.exit_code == 1
    assert "verwacht 'zoekvraag<TAB>id" in result.output
