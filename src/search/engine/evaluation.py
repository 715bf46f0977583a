"""Relevance measurement, for Parlsearch and, on the same documents, for two plain baselines:
the ranking of known items, and whether the matching set holds what the query names.

A judged-queries file has one query a line, a tab, then comma-separated relevant document ids;
the first id is the document the query was written for (gain 2 in nDCG), the others are
equally relevant copies (gain 1; any of them counts for MRR and Success). It gives MRR@10,
Success@1, Success@10 and nDCG@10 of the documents in the order the result pages list them.

A counts file has one query a line, then two regular expressions (Python `re`, DOTALL), tab
separated, over the lower-cased, accent-folded title, question and answer of each federal
Chamber document (the only ones judged): `must`, the documents the matching set should hold,
and `ok`, those acceptable in it (always with `must`). It gives the precision (the share of the
matching set that is `ok`) and recall (the share of `must` in the set) of each query, and their
means: is `total` a number one can quote?

The baselines are what a plain Whoosh set-up gives: one record per document with its title,
question and answer, BM25F over the three fields, the query's words OR-ed. One analyses with
Whoosh's StandardAnalyzer, the other with a plain snowball pipeline (regex tokens, lowercase,
accent folding, Dutch stopwords, the same snowball stemmer as Parlsearch) without Parlsearch's
compound splitting, stem exceptions, field weights and ranking.
"""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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
# The documents the counts are judged on: the federal Chamber's (their ids start so).
JUDGED_SOURCE = "dekamer-"


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


@dataclass(frozen=True)
class CountQuery:
    """A query with the documents its matching set must hold and those it may hold."""

    text: str
    must: re.Pattern[str]
    ok: re.Pattern[str]


@dataclass(frozen=True)
class CountResult:
    """How one query's matching set did: its size, the documents it should hold, precision and
    recall."""

    query: CountQuery
    found: int
    must: int
    precision: float
    recall: float


@dataclass(frozen=True)
class CountScores:
    """Macro precision and recall of the matching sets over a set of count queries."""

    precision: float
    recall: float
    queries: tuple[CountResult, ...]

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def read_queries(path: Path) -> tuple[list[JudgedQuery], list[CountQuery]]:
    """Read a judged-queries file (two columns) or a counts file (three): the one kind is
    returned, the other list is empty. Raises ValueError on a malformed line."""
    lines = _data_lines(path)
    if lines and lines[0][1].count("\t") == 2:
        return [], read_count_queries(path)
    return read_judged_queries(path), []


def read_count_queries(path: Path) -> list[CountQuery]:
    """Read a counts file (query, must, ok); raises ValueError on a malformed line."""
    queries = []
    for number, line in _data_lines(path):
        fields = line.split("\t")
        if len(fields) != 3 or not fields[0].strip():
            raise ValueError(f"{path}:{number}: verwacht 'zoekvraag<TAB>moet<TAB>mag'")
        try:
            must, ok = (re.compile(pattern, re.DOTALL) for pattern in fields[1:])
        except re.error as error:
            reason = f"geen reguliere expressie (fout op teken {error.pos})"
            raise ValueError(f"{path}:{number}: {reason}") from None
        queries.append(CountQuery(fields[0].strip(), must, ok))
    return queries


def _data_lines(path: Path) -> list[tuple[int, str]]:
    text = Path(path).read_text(encoding="utf-8")
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]


def judged_texts(documents: Iterable[Document]) -> dict[str, str]:
    """The texts the counts are judged on: each Chamber document's title, question and
    answer, lower-cased and accent-folded, by id."""
    return {
        document.id: _fold(" ".join((document.title, document.question, document.answer)))
        for document in documents
        if document.id.startswith(JUDGED_SOURCE)
    }


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def evaluate_counts(
    queries: Iterable[CountQuery], matching: Callable[[str], Iterable[str]], texts: dict[str, str]
) -> CountScores:
    """Score a search's matching sets (query text -> matching document ids) on count queries,
    judging the documents of `texts` (`judged_texts`)."""
    results = []
    for query in queries:
        must = {d for d, text in texts.items() if query.must.search(text)}
        ok = must | {d for d, text in texts.items() if query.ok.search(text)}
        found = set(matching(query.text)) & texts.keys()
        precision = len(found & ok) / len(found) if found else (0.0 if must else 1.0)
        recall = len(found & must) / len(must) if must else 1.0
        results.append(CountResult(query, len(found), len(must), precision, recall))
    count = len(results) or 1
    return CountScores(
        precision=sum(r.precision for r in results) / count,
        recall=sum(r.recall for r in results) / count,
        queries=tuple(results),
    )


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
    """The figures of one search system on the judged and the count queries."""

    name: str
    description: str
    scores: Scores
    counts: CountScores


@dataclass(frozen=True)
class Evaluation:
    """Parlsearch and the baselines, side by side on the same queries."""

    queries: tuple[JudgedQuery, ...]
    count_queries: tuple[CountQuery, ...]
    systems: tuple[SystemScores, ...]


@dataclass(frozen=True)
class SearchUnderTest:
    """What the evaluation asks of a search: its ranking (the documents in the order the
    result pages list them) and its matching set (the documents `total` counts)."""

    rank: Callable[[str], list[str]]
    matching: Callable[[str], Iterable[str]]


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
    search: SearchUnderTest,
    corpus_dir: Path,
    count_queries: Iterable[CountQuery] = (),
    baselines: bool = True,
) -> Evaluation:
    """Score Parlsearch's `search` and, with `baselines`, the baselines built from the corpus,
    on judged and count queries (the counts judged on the corpus's Chamber documents)."""
    queries, count_queries = tuple(queries), tuple(count_queries)
    documents = list(unique_documents(Path(corpus_dir))) if count_queries or baselines else []
    texts = judged_texts(documents)

    def scored(name: str, description: str, system: SearchUnderTest) -> SystemScores:
        return SystemScores(
            name,
            description,
            evaluate(queries, system.rank),
            evaluate_counts(count_queries, system.matching, texts),
        )

    systems = [scored("parlsearch", "Parlsearch", search)]
    if baselines:
        for name, description, make_analyzer in BASELINES:
            with _baseline(documents, make_analyzer()) as system:
                systems.append(scored(name, description, system))
    return Evaluation(queries, count_queries, tuple(systems))


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


@contextmanager
def _baseline(documents: list[Document], analyzer: Composable) -> Iterator[SearchUnderTest]:
    """Whole documents in a temporary index, searched with their words OR-ed."""
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

            def matching(text: str) -> list[str]:
                hits = searcher.search(parser.parse(text), limit=None)
                return [hit["doc_id"] for hit in hits]

            yield SearchUnderTest(rank, matching)
