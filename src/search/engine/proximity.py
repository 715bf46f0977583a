"""A query's words as typed, side by side: the documents holding them so rank above those where
they stand apart (a phrase bonus, as a dismax's `pf` gives).

A query of plain words ranks each document by its words' best chunks, wherever they stand
(`search.engine.ranking`). Of the best `CANDIDATES` documents (those holding every word, then,
apart, those holding some), each counts the pairs of consecutive words of the query that stand
one after the other in one of its chunks as typed (stopwords aside, but as many of them between:
`search.engine.query.similar.word_overlap`), and its score is multiplied by 1 + `BONUS` times
the square of the share of the query's pairs it holds. A sentence copied from a document finds
that document first; only the order changes, never which documents match.

Why these numbers, measured on the judged queries (`parlsearch eval`) and on sentences pasted
from the corpus (`eval_paste.py`): see the README's *Pasted text*.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from search.engine.query.clause import Node
from search.engine.query.documents import DocumentScoring
from search.engine.query.similar import TextWords, word_overlap
from search.engine.ranking import Ranked, Ranking
from search.index.arrays.document_table import DocumentTable
from search.index.arrays.postings import Postings

# The best documents whose order of words is looked at, and what holding all the query's pairs
# multiplies a score by, beyond 1.
CANDIDATES = 100
BONUS = 1.5


def words_in_order(
    ranked: Ranked,
    node: Node,
    text: str,
    fields: tuple[str, ...],
    postings: Postings,
    table: DocumentTable,
    allowed: np.ndarray,
    check: Callable[[], None],
) -> Ranked:
    """`ranked`, the ranking of the query `node` typed as `text`, its best documents reordered
    by how far they hold its words as typed in `fields`; as it is for a query of one word or of
    more than plain words (a phrase, a pattern, OR, NOT, a field, a member's name)."""
    words = TextWords.of(text).words
    if len(words) < 2 or not _plain_words(node):
        return ranked
    scoring = DocumentScoring(postings, table, allowed, check)
    return Ranked(
        _reordered(ranked.full, scoring, words, fields),
        _reordered(ranked.partial, scoring, words, fields),
        ranked.clauses,
    )


def _plain_words(node: Node) -> bool:
    """Whether a query is plain words side by side."""
    return not node.negative and all(word.plain_word() for word in node.top_words())


def _reordered(
    ranking: Ranking, scoring: DocumentScoring, words: tuple[str, ...], fields: tuple[str, ...]
) -> Ranking:
    """The ranking with its best documents' scores multiplied by their bonus, and reordered
    (equal scores keep their order)."""
    top = min(CANDIDATES, len(ranking))
    if not top:
        return ranking
    ordinals, scores = ranking.first(top)
    scores = scores * (1 + BONUS * word_overlap(scoring, words, fields, ordinals).shares ** 2)
    order = np.argsort(-scores, kind="stable")
    return ranking.with_first(ordinals[order], scores[order])
