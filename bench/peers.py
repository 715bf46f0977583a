"""The two peers `run.py` measures Parlsearch against, on the same documents and in its process.

- Naive Whoosh: one Whoosh document per record (title, question, answer, all stored), Whoosh's
  StandardAnalyzer, the default writer; the index opened once, then per query a new parser and
  a new searcher, BM25F, the words OR-ed over the three fields, the top 10 with the exact hit
  count and a highlighted fragment per hit.
- SQLite FTS5 from the standard library: the same three fields as the stemmed text Parlsearch's
  own analyzer makes of them (`search.text.analysis.dutch_analyzer`), FTS5's `bm25()` for the
  top 10, `snippet()` for each hit and a count of all matches.

Both answer a query's words only: they have no filters, facets, grouping or sort orders, so they
do less work per query than Parlsearch's result page.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.scoring import BM25F

from search.ingest.document import Document
from search.text.analysis import WORD, analyze, dutch_analyzer, word_tokens

FIELDS = ("title", "question", "answer")
TOP = 10
# A double-quoted phrase, a word ending in * (a prefix), or any other run of non-space.
_PEER_TERM = re.compile(r'"([^"]*)"|(\S+)\*|(\S+)')


class NaiveWhoosh:
    """Plain Whoosh as a first attempt would use it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._index: whoosh_index.Index | None = None

    def build(self, documents: Iterable[Document]) -> None:
        """Index the documents into a new index in the folder."""
        text = TEXT(analyzer=StandardAnalyzer(), stored=True)
        schema = Schema(doc_id=ID(stored=True, unique=True), **dict.fromkeys(FIELDS, text))
        self.path.mkdir(parents=True)
        ix = whoosh_index.create_in(self.path, schema)
        with ix.writer() as writer:
            for document in documents:
                fields = {name: getattr(document, name) for name in FIELDS}
                writer.add_document(doc_id=document.id, **fields)

    def search(self, text: str) -> tuple[int, list[tuple[str, str]]]:
        """The hit count and the top 10 as (id, highlighted fragment)."""
        if self._index is None:
            self._index = whoosh_index.open_dir(self.path)
        parser = MultifieldParser(list(FIELDS), self._index.schema, group=OrGroup)
        with self._index.searcher(weighting=BM25F()) as searcher:
            results = searcher.search(parser.parse(text), limit=TOP)
            top = [
                (hit["doc_id"], hit.highlights("answer") or hit.highlights("question"))
                for hit in results
            ]
            return len(results), top

    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.path.iterdir())

    def close(self) -> None:
        """Forget the index (each query's searcher is closed after it)."""
        self._index = None


class SqliteFts5:
    """SQLite FTS5 over Parlsearch's stemmed text."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None
        self._analyzer = dutch_analyzer()

    def build(self, documents: Iterable[Document]) -> float:
        """Index the documents into a new database; returns the seconds spent stemming."""
        stemming = 0.0
        with sqlite3.connect(self.path) as connection:
            connection.execute(
                f"CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, {', '.join(FIELDS)})"
            )
            for document in documents:
                began = time.perf_counter()
                row = [self.stemmed(getattr(document, name)) for name in FIELDS]
                stemming += time.perf_counter() - began
                connection.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", [document.id, *row])
        connection.close()
        return stemming

    def stemmed(self, text: str) -> str:
        """The text as Parlsearch indexes it: stems (and compound parts), stopwords left out."""
        return " ".join(analyze(text, self._analyzer))

    def search(self, text: str) -> tuple[int, list[tuple[str, str]]]:
        """The match count and the top 10 by bm25() as (id, snippet)."""
        expression = self.match_expression(text)
        if not expression:
            return 0, []
        connection = self._open()
        top = connection.execute(
            "SELECT doc_id, snippet(docs, -1, '<b>', '</b>', '…', 16) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
            (expression, TOP),
        ).fetchall()
        (count,) = connection.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (expression,)
        ).fetchone()
        return count, top

    def match_expression(self, text: str) -> str:
        """An FTS5 query: phrases of stems, prefixes of the folded word, stems OR-ed."""
        terms = []
        for phrase, prefix, words in _PEER_TERM.findall(text):
            if phrase:
                stems = [t.text for t in self._analyzer(phrase) if t.role == WORD]
                terms += [_quoted(" ".join(stems))] if stems else []
            elif prefix:
                folded = " ".join(analyze(prefix, word_tokens()))
                terms += [f"{_quoted(folded)} *"] if folded else []
            else:
                terms += [_quoted(stem) for stem in analyze(words, self._analyzer)]
        return " OR ".join(terms)

    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, check_same_thread=False)
        return self._connection


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
