"""Members named in a query: `Barbara Pas moskeeën`, `Dewinter`, `Calvo`.

A journalist types the name of the member whose questions they want; the member's name is
seldom in the text of those questions. Words of the query that name a member who asked
questions in the index (the full name, or the surname alone, case and accents aside) therefore
also match that member's own questions, which rank first (`MEMBER_SCORE`), and "waarom
gevonden" says so (`member`); documents that merely mention the name still match through their
text.

A surname alone counts only when it is not a common Dutch word as well: `Pas` alone is the word
"pas", `Barbara Pas` is the member. Names are looked for among the query's words side by side
(not inside phrases, groups or after NOT).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from search.engine.query.boolean import AllOf
from search.engine.query.clause import Node
from search.engine.query.documents import DocumentScoring, Matched
from search.engine.query.matching import QueryWord, how
from search.engine.query.word import typed_word
from search.index.arrays.postings import Postings
from search.text.analysis import name_words

MEMBER = how("member", 0)
# What naming the member who asked adds to a document's score: more than any words can, so
# that the member's own questions come first.
MEMBER_SCORE = 1000.0

# A surname that is a Dutch word at least this frequent (Zipf scale, wordfreq's lexicon: 3.0 is
# once per million words) does not name a member on its own.
COMMON_WORD_ZIPF = 3.0


@dataclass(frozen=True)
class MemberNames:
    """The members of one index generation by the words of their names."""

    # Folded words of a full name, or of a surname that is not a common word -> the members.
    names: dict[tuple[str, ...], tuple[str, ...]]

    @classmethod
    def of(cls, members: Sequence[str], surname_frequencies: Sequence[float]) -> MemberNames:
        """From member names as the index holds them ("Barbara Pas"), each with how frequent
        its surname is as a Dutch word when it is one word (the lexicon's Zipf frequency, as
        the document table holds it)."""
        names: dict[tuple[str, ...], list[str]] = {}
        for member, frequency in zip(members, surname_frequencies, strict=True):
            words = name_words(member)
            if not words:
                continue
            names.setdefault(words, []).append(member)
            surname = words[1:]
            common = len(surname) == 1 and frequency >= COMMON_WORD_ZIPF
            if surname and not common:
                names.setdefault(surname, []).append(member)
        return cls({words: tuple(dict.fromkeys(found)) for words, found in names.items()})

    @property
    def longest(self) -> int:
        """The most words of a name."""
        return max(map(len, self.names), default=0)


@dataclass(frozen=True)
class AskedBy(Node):
    """Documents asked by one of `members` (values of the member column), or matching `text`:
    the words of a query that name a member (`typed`)."""

    members: tuple[str, ...]
    text: Node
    typed: str

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents the words match, and the members' own, which score `MEMBER_SCORE`
        more."""
        text = self.text.evaluate(scoring, counted)
        asked = scoring.table.asked_by(self.members)
        scores = text.scores.copy()
        scores[asked] += MEMBER_SCORE
        return Matched(text.matched | asked, scores)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """What its words cost."""
        yield from self.text.costs(postings, check)

    def typed_words(self) -> Iterator[QueryWord | None]:
        """The name, as one word."""
        yield typed_word(self.typed)


def with_members(node: Node, names: MemberNames) -> Node:
    """The query with each run of its top-level words that names members made one `AskedBy`
    clause: the members' questions, or the words in the text."""
    words = list(node.top_words())
    typed = [word.plain_word() for word in words]
    replaced: list[Node] = []
    named = False
    start = 0
    while start < len(words):
        found = _name_at(typed, start, names)
        if found is None:
            replaced.append(words[start])
            start += 1
            continue
        length, members = found
        run = tuple(words[start : start + length])
        text = run[0] if length == 1 else AllOf(run)
        label = " ".join(word.plain_word() or "" for word in run)
        replaced.append(AskedBy(members, text, label))
        named = True
        start += length
    if not named:
        return node
    negative = node.negative
    return AllOf((*replaced, *negative)) if len(replaced) + len(negative) > 1 else replaced[0]


def named(node: Node) -> tuple[AskedBy, ...]:
    """The query's words that name members."""
    return tuple(word for word in node.top_words() if isinstance(word, AskedBy))


def _name_at(
    typed: list[str | None], start: int, names: MemberNames
) -> tuple[int, tuple[str, ...]] | None:
    """The longest run of words from `start` that names members: (its length, the members)."""
    for length in range(min(names.longest, len(typed) - start), 0, -1):
        run = typed[start : start + length]
        if any(word is None for word in run):
            continue
        members = names.names.get(tuple(w for word in run for w in name_words(word)))
        if members:
            return length, members
    return None
