"""Relevance measurement: MRR@10, Success@1, Success@10 and nDCG@10 over judged queries.

A judged-queries file has one query a line, a tab, then comma-separated relevant document ids;
the first id is the document the query was written for (gain 2 in nDCG), the others are
equally relevant copies (gain 1; any of them counts for MRR and Success).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CUTOFF = 10


@dataclass(frozen=True)
class JudgedQuery:
    """A query with the ids of its relevant documents, the main one first."""

    text: str
    relevant: tuple[str, ...]


@dataclass(frozen=True)
class QueryResult:
    """How one query did: its ranking and the rank of the first relevant document."""

    query: JudgedQuery
    ranking: tuple[str, ...]
    first_relevant_rank: int | None
    ndcg: float


@dataclass(frozen=True)
class Scores:
    """Mean figures over a set of queries."""

    mrr: float
    success_at_1: float
    success_at_10: float
    ndcg: float
    queries: tuple[QueryResult, ...]

    @property
    def missed(self) -> list[QueryResult]:
        """Queries whose first result is not relevant."""
        return [result for result in self.queries if result.first_relevant_rank != 1]


def read_judged_queries(path: Path) -> list[JudgedQuery]:
    """Read a judged-queries TSV file; raises ValueError on a malformed line."""
    queries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        text, tab, ids = line.partition("\t")
        relevant = tuple(i.strip() for i in ids.split(",") if i.strip())
        if not tab or not text.strip() or not relevant:
            raise ValueError(f"{path}:{number}: expected 'query<TAB>id[,id...]'")
        queries.append(JudgedQuery(text.strip(), relevant))
    return queries


def evaluate(queries: Iterable[JudgedQuery], rank: Callable[[str], list[str]]) -> Scores:
    """Score a ranking function (query text -> ranked document ids) on judged queries."""
    results = [_score_query(query, tuple(rank(query.text)[:CUTOFF])) for query in queries]
    count = len(results) or 1
    return Scores(
        mrr=sum(1 / r.first_relevant_rank for r in results if r.first_relevant_rank) / count,
        success_at_1=sum(r.first_relevant_rank == 1 for r in results) / count,
        success_at_10=sum(r.first_relevant_rank is not None for r in results) / count,
        ndcg=sum(r.ndcg for r in results) / count,
        queries=tuple(results),
    )


def _score_query(query: JudgedQuery, ranking: tuple[str, ...]) -> QueryResult:
    relevant = set(query.relevant)
    first = next((i for i, doc_id in enumerate(ranking, start=1) if doc_id in relevant), None)
    return QueryResult(query, ranking, first, _ndcg(query, ranking))


def _gain(query: JudgedQuery, doc_id: str) -> int:
    if doc_id == query.relevant[0]:
        return 2
    return 1 if doc_id in query.relevant else 0


def _ndcg(query: JudgedQuery, ranking: tuple[str, ...]) -> float:
    dcg = sum(_gain(query, d) / math.log2(i + 1) for i, d in enumerate(ranking, start=1))
    ideal_gains = sorted((_gain(query, d) for d in query.relevant), reverse=True)[:CUTOFF]
    ideal = sum(g / math.log2(i + 1) for i, g in enumerate(ideal_gains, start=1))
    return dcg / ideal if ideal else 0.0
