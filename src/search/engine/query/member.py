"""Members named in a query: `Barbara Pas moskeeën`, `Dewinter`, `Calvo`.

A journalist types the name of the member whose questions they want; the member's name is
seldom in the text of those questions. Words of the query that name a member who asked
questions in the index (the full name, or the surname alone, case and accents aside) therefore
also match that member's own questions, which rank first (`ranking.MEMBER_SCORE`), and "waarom
gevonden" says so; documents that merely mention the name still match through their text.

A surname alone counts only when it is not a common Dutch word as well: `Pas` alone is the word
"pas", `Barbara Pas` is the member. Names are looked for among the query's words side by side
(not inside phrases, groups or after NOT).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from search.engine.query import boolean as plan
from search.text.analysis import name_words

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


def with_members(node: plan.Node, names: MemberNames) -> plan.Node:
    """The query with each run of its top-level words that names members made one `AskedBy`
    clause: the members' questions, or the words in the text."""
    words = list(plan.words(node)) if isinstance(node, plan.AllOf) else [node]
    typed = [_typed(word) for word in words]
    replaced: list[plan.Node] = []
    start = 0
    while start < len(words):
        found = _name_at(typed, start, names)
        if found is None:
            replaced.append(words[start])
            start += 1
            continue
        length, members = found
        run = tuple(words[start : start + length])
        text = run[0] if length == 1 else plan.AllOf(run)
        label = " ".join(_typed(word) or "" for word in run)
        replaced.append(plan.AskedBy(members, text, label))
        start += length
    if not any(isinstance(word, plan.AskedBy) for word in replaced):
        return node
    negative = node.negative if isinstance(node, plan.AllOf) else ()
    return plan.AllOf((*replaced, *negative)) if len(replaced) + len(negative) > 1 else replaced[0]


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


def _typed(node: plan.Node) -> str | None:
    """What the user typed for a clause of one plain word, else None."""
    if not isinstance(node, plan.Clause):
        return None
    leaves = [node.query] if node.query.is_leaf() else list(node.query.leaves())
    typed = {getattr(leaf, "typed", None) for leaf in leaves}
    if len(typed) != 1 or None in typed:
        return None
    return typed.pop()
