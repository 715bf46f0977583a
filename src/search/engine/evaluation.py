"""Relevance measurement: MRR@10, Success@1, Success@10 and nDCG@10 over judged queries, for
Parlsearch and, on the same documents, for two plain baselines.

A judged-queries file has one query a line, a tab, then comma-separated relevant document ids;
the first id is the document the query was written for (gain 2 in nDCG), the others are
equally relevant copies (gain 1; any of them counts for MRR and Success).

The baselines are what a plain Whoosh set-up gives: one record per document with its title,
question and answer, BM25F over the three fields, the query's words OR-ed. One analyses with
Whoosh's StandardAnalyzer, the other with a plain snowball pipeline (regex tokens, lowercase,
accent folding, Dutch stopwords, the same snowball stemmer as Parlsearch) without Parlsearch's
compound splitting, stem exceptions, field weights and ranking.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import (
    CharsetFilter,
    Composable,
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StopFilter,
)
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.scoring import BM25F
from whoosh.support.charset import accent_map

from search.ingest.corpus import SkippedFile, corpus_files, read_documents
from search.ingest.document import Document
from search.text.analysis import (
    DUTCH_STOPWORDS,
    STEMMER_ALGORITHM,
    TOKEN_PATTERN,
    SnowballStemFilter,
)

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
            raise ValueError(f"{path}:{number}: verwacht 'zoekvraag<TAB>id[,id...]'")
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


@dataclass(frozen=True)
class SystemScores:
    """The figures of one search system on the judged queries."""

    name: str
    description: str
    scores: Scores


@dataclass(frozen=True)
class Evaluation:
    """Parlsearch and the baselines, side by side on the same judged queries."""

    queries: tuple[JudgedQuery, ...]
    systems: tuple[SystemScores, ...]


BASELINE_TEXT_FIELDS = ("title", "question", "answer")


def plain_snowball_analyzer() -> Composable:
    """The plain snowball baseline's analyzer (see the module docstring)."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=DUTCH_STOPWORDS, minsize=1)
        | SnowballStemFilter(STEMMER_ALGORITHM)
    )


BASELINES = (
    ("whoosh-standard", "Whoosh StandardAnalyzer, BM25F per document", StandardAnalyzer),
    (
        "snowball",
        f"plain snowball `{STEMMER_ALGORITHM}`, BM25F per document",
        plain_snowball_analyzer,
    ),
)


def compare_with_baselines(
    queries: Iterable[JudgedQuery],
    rank: Callable[[str], list[str]],
    corpus_dir: Path | None = None,
) -> Evaluation:
    """Score Parlsearch's `rank` and, when `corpus_dir` is given, the baselines built from it."""
    queries = tuple(queries)
    systems = [SystemScores("parlsearch", "Parlsearch", evaluate(queries, rank))]
    if corpus_dir is not None:
        documents = list(unique_documents(Path(corpus_dir)))
        for name, description, make_analyzer in BASELINES:
            scores = _baseline_scores(queries, documents, make_analyzer())
            systems.append(SystemScores(name, description, scores))
    return Evaluation(queries, tuple(systems))


def unique_documents(corpus_dir: Path) -> Iterator[Document]:
    """Every document of a corpus, the first of each id only (as a build keeps it); the
    baselines here and the peers of `bench/run.py` index these."""
    if not corpus_dir.is_dir():
        raise ValueError(f"Corpusmap niet gevonden: {corpus_dir}")
    seen: set[str] = set()
    skipped: list[SkippedFile] = []
    for path in corpus_files(corpus_dir):
        for document in read_documents(path, skipped):
            if document.id not in seen:
                seen.add(document.id)
                yield document


def _baseline_scores(
    queries: tuple[JudgedQuery, ...], documents: list[Document], analyzer: Composable
) -> Scores:
    """Index whole documents into a temporary index and score it on the queries."""
    text = TEXT(analyzer=analyzer)
    schema = Schema(doc_id=ID(stored=True), **dict.fromkeys(BASELINE_TEXT_FIELDS, text))
    with tempfile.TemporaryDirectory(prefix="parlsearch-baseline-") as folder:
        ix = whoosh_index.create_in(folder, schema)
        with ix.writer(limitmb=256) as writer:
            for document in documents:
                writer.add_document(
                    doc_id=document.id,
                    title=document.title,
                    question=document.question,
                    answer=document.answer,
                )
        parser = MultifieldParser(list(BASELINE_TEXT_FIELDS), ix.schema, group=OrGroup)
        with ix.searcher(weighting=BM25F()) as searcher:

            def rank(text: str) -> list[str]:
                hits = searcher.search(parser.parse(text), limit=CUTOFF)
                return [hit["doc_id"] for hit in hits]

            return evaluate(queries, rank)
