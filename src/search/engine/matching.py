"""Where a query's words stand in a text, and how each one matched there.

The snippets and marks (`highlight`) and "waarom gevonden" (`explain`) both read a text through
this module, so that what is marked is what is explained, and both follow the rules the index
matches by (`search.index.schema.RankedText`, `search.index.near`): a word matches

- `exact`: as typed (case and accents aside), and a phrase where its words stand in order;
- `stem`: in another form (the same stem: "kerncentrales" for "kerncentrale");
- `part`: inside a compound ("kerncentralesite" for "kerncentrale");
- `parts`: a compound by all its parts close together ("directeur van de gevangenis" for
  "gevangenisdirecteur"); a part alone is never marked;
- `prefix`: a word a `prefix*` or wildcard pattern matches.
A phrase is marked as one span per occurrence, not word by word wherever its words stand.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from whoosh import query as wq

from search.engine import plan
from search.index.schema import EXACT_SUFFIX
from search.index.schema.near import NEAR_WINDOW
from search.text.analysis import (
    DUTCH_STOPWORDS,
    JOINED,
    MAX_TOKEN_LENGTH,
    WORD,
    WordTerms,
    dutch_analyzer,
    folded_spans,
    folded_word,
    token_pattern,
    word_terms,
)

EXACT, STEM, PART, PARTS, PREFIX = "exact", "stem", "part", "parts", "prefix"

_RANKED = dutch_analyzer()
_TOKEN = token_pattern()
_LINK = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


@dataclass(frozen=True)
class QueryWord:
    """A word of the query as typed, with what matches it (one of the ways is set)."""

    text: str
    # Folded as typed, and the word's stem (a ranked word).
    exact: frozenset[str] = frozenset()
    stems: frozenset[str] = frozenset()
    # The stems of a typed compound's parts, which match close together.
    parts: tuple[str, ...] = ()
    # A typed word of several members ("storing.Trein", "burn-out"): their stems in a row,
    # and the members folded as typed.
    members: tuple[str, ...] = ()
    member_words: tuple[str, ...] = ()
    # A quoted phrase: its words as the exact field holds them, and how far apart they may be.
    phrase: tuple[str, ...] = ()
    slop: int = 1
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Found:
    """Where query word number `word` matched in a text: `how`, and the span it covers."""

    word: int
    how: str
    start: int
    end: int


def query_words(node: plan.Node) -> tuple[QueryWord, ...]:
    """The words the document must (or may) hold, in the order typed, each once; words under
    NOT or after `-` are left out. A member's name is one word."""
    words: dict[str, QueryWord] = {}
    for word in _positive_words(node):
        if word is not None and word.text not in words:
            words[word.text] = word
    return tuple(words.values())


def _positive_words(node: plan.Node) -> Iterator[QueryWord | None]:
    if isinstance(node, plan.Clause):
        yield _clause_word(node.query)
    elif isinstance(node, plan.AskedBy):
        yield _ranked_word(node.typed)
    elif isinstance(node, plan.AllOf | plan.AnyOf):
        for child in node.children:
            yield from _positive_words(child)


def _clause_word(query: wq.Query) -> QueryWord | None:
    leaves = list(query.leaves()) if not query.is_leaf() else [query]
    typed = next((leaf.typed for leaf in leaves if hasattr(leaf, "typed")), None)
    if typed is not None:
        return _ranked_word(typed)
    leaf = leaves[0] if leaves else query
    if isinstance(leaf, wq.Phrase):
        return QueryWord(f'"{" ".join(leaf.words)}"', phrase=tuple(leaf.words), slop=leaf.slop)
    if isinstance(leaf, wq.Prefix):
        return QueryWord(f"{leaf.text}*", pattern=re.compile(re.escape(leaf.text) + r"\w*$"))
    if isinstance(leaf, wq.Wildcard):
        return QueryWord(leaf.text, pattern=re.compile(fnmatch.translate(leaf.text)))
    if isinstance(leaf, wq.Term) and isinstance(leaf.text, str):
        if (leaf.field() or "").endswith(EXACT_SUFFIX):
            return QueryWord(leaf.text, exact=frozenset([leaf.text]))
        return QueryWord(leaf.text, stems=frozenset([leaf.text]))
    return None


def _ranked_word(typed: str) -> QueryWord:
    """A typed word's forms, as the ranked field analyses it."""
    members: list[WordTerms] = []
    joined: WordTerms | None = None
    for token in _RANKED(typed, mode="query"):
        if token.role == WORD:
            members.append(token.terms)
        elif token.role == JOINED:
            joined = token.terms
    folded = [word for word, _, _ in folded_spans(typed) if word not in DUTCH_STOPWORDS]
    whole = joined if len(members) > 1 else (members[0] if members else None)
    several = len(members) > 1
    return QueryWord(
        typed,
        exact=frozenset(["".join(folded)]) if whole else frozenset(),
        stems=frozenset([whole.stem]) if whole else frozenset(),
        parts=whole.parts if whole else (),
        members=tuple(terms.stem for terms in members) if several else (),
        member_words=tuple(folded) if several else (),
    )


class _Token(NamedTuple):
    """A word of a text (or hyphenated words joined), its place and its index terms."""

    folded: str
    position: int
    start: int
    end: int
    terms: WordTerms | None


@dataclass(frozen=True)
class _Text:
    """A text's words as the ranked field indexes them: each word folded and where it stands
    (its position is its number), and the hyphenated words joined."""

    folded: list[str]
    matches: list[re.Match]
    joined: list[_Token]

    def places(self, wanted: Collection[str]) -> list[int]:
        """The positions of the words whose folded form is in `wanted`."""
        return [n for n, folded in enumerate(self.folded) if folded in wanted]

    def token(self, position: int, terms: WordTerms | None) -> _Token:
        start, end = self.matches[position].span()
        return _Token(self.folded[position], position, start, end, terms)


class Finder:
    """Finds the query's words in texts (`find`), remembering across texts what each document
    word is indexed as and how it matches each query word: a page's texts share most words."""

    def __init__(self, words: tuple[QueryWord, ...]) -> None:
        self.words = words
        self._terms: dict[str, WordTerms | None] = {}
        self._joined_terms: dict[str, WordTerms | None] = {}
        # Per query word: each document word (folded) -> how it matches ("" not at all).
        self._hows: list[dict[str, str]] = [{} for _ in words]

    def find(self, text: str) -> list[Found]:
        """Every match of the query's words in `text`, in the order they stand."""
        if not self.words:
            return []
        read = _read(text)
        found: list[Found] = []
        for index, word in enumerate(self.words):
            found += self._matches(index, word, read)
        return sorted(found, key=lambda match: (match.start, match.end, match.word))

    def terms(self, folded: str) -> WordTerms | None:
        """A document word's index terms (None for a stopword or a word too long)."""
        if folded not in self._terms:
            indexed = 1 <= len(folded) <= MAX_TOKEN_LENGTH and folded not in DUTCH_STOPWORDS
            self._terms[folded] = word_terms(folded) if indexed else None
        return self._terms[folded]

    def _joined(self, folded: str) -> WordTerms | None:
        if folded not in self._joined_terms:
            terms = word_terms(folded) if len(folded) <= MAX_TOKEN_LENGTH else None
            self._joined_terms[folded] = terms
        return self._joined_terms[folded]

    def _matches(self, index: int, word: QueryWord, text: _Text) -> Iterator[Found]:
        if word.pattern is not None:
            hows = self._hows[index]
            for folded in set(text.folded).difference(hows):
                hows[folded] = PREFIX if word.pattern.match(folded) else ""
            matching = {folded for folded in set(text.folded) if hows[folded]}
            for position in text.places(matching):
                yield Found(index, PREFIX, *text.matches[position].span())
            return
        if word.phrase:
            for first, last in _in_order(text.folded, word.phrase, word.slop):
                yield Found(index, EXACT, text.matches[first].start(), text.matches[last].end())
            return
        hows = self._hows[index]
        for folded in set(text.folded).difference(hows):
            hows[folded] = _word_match(word, folded, self.terms(folded))
        matched: set[int] = set()
        for position in text.places({folded for folded in set(text.folded) if hows[folded]}):
            start, end = text.matches[position].span()
            matched.add(start)
            yield Found(index, hows[text.folded[position]], start, end)
        joined = [token._replace(terms=self._joined(token.folded)) for token in text.joined]
        for token in joined:
            how = _word_match(word, token.folded, token.terms)
            if how:
                matched.add(token.start)
                yield Found(index, how, token.start, token.end)
        if word.members:
            stems = [_stem(self.terms(folded)) for folded in text.folded]
            for first, last in _in_order(stems, word.members, 1):
                written = tuple(text.folded[first : last + 1])
                how = EXACT if written == word.member_words else STEM
                yield Found(index, how, text.matches[first].start(), text.matches[last].end())
        if word.parts:
            tokens = [
                text.token(position, self.terms(text.folded[position]))
                for position in text.places(self._holding(word.parts, set(text.folded)))
            ]
            for token in _near_parts(word.parts, [*tokens, *joined]):
                if token.start not in matched:
                    yield Found(index, PARTS, token.start, token.end)

    def _holding(self, parts: tuple[str, ...], folded: set[str]) -> set[str]:
        """The words that hold any of a compound's parts."""
        return {
            word
            for word in folded
            if (terms := self.terms(word)) and any(_holds(terms, part) for part in parts)
        }


def find(text: str, words: tuple[QueryWord, ...]) -> list[Found]:
    """Every match of the query's words in `text`, in the order they stand."""
    return Finder(words).find(text)


def _read(text: str) -> _Text:
    """The text's words, and its hyphenated words joined, as the ranked field indexes them."""
    matches = list(_TOKEN.finditer(text))
    folded = [folded_word(match.group()) for match in matches]
    joined: list[_Token] = []
    # A hyphen between two words links them (words start and end with a letter or digit).
    links = [
        bisect.bisect_left(matches, hyphen.start(), key=_end) for hyphen in _LINK.finditer(text)
    ]
    run_start = None
    for number, left in enumerate(links):
        if run_start is None:
            run_start = left
        if number + 1 == len(links) or links[number + 1] != left + 1:
            joined.append(_joined_token(folded, matches, run_start, left + 2))
            run_start = None
    return _Text(folded, matches, joined)


def _end(match: re.Match) -> int:
    return match.end()


def _joined_token(folded: list[str], matches: list[re.Match], first: int, end: int) -> _Token:
    """The words first to end - 1 written as one, at the position of the last."""
    word = "".join(folded[first:end])
    return _Token(word, end - 1, matches[first].start(), matches[end - 1].end(), None)


def _word_match(word: QueryWord, folded: str, terms: WordTerms | None) -> str:
    """How a document word matches a typed word: as typed, another form, or inside a
    compound ("" if not at all)."""
    if folded in word.exact:
        return EXACT
    if terms is None:
        return ""
    if terms.stem in word.stems:
        return STEM
    if not word.stems.isdisjoint(terms.contained):
        return PART
    return ""


def _stem(terms: WordTerms | None) -> str:
    return terms.stem if terms is not None else ""


def _in_order(keys: list[str], sequence, slop: int) -> Iterator[tuple[int, int]]:
    """(first, last) position of each occurrence of `sequence` among `keys`, its items in order
    and at most `slop` positions apart, as the index's phrase search allows."""
    for first, value in enumerate(keys):
        if value != sequence[0]:
            continue
        last = first
        for item in sequence[1:]:
            following = (
                n for n in range(last + 1, min(last + slop + 1, len(keys))) if keys[n] == item
            )
            last = next(following, -1)
            if last < 0:
                break
        if last >= 0:
            yield first, last


def _near_parts(parts: tuple[str, ...], tokens: list[_Token]) -> list[_Token]:
    """The tokens standing for a compound's parts where all of them stand within
    `NEAR_WINDOW` positions of each other."""
    holding = [
        [token for token in tokens if token.terms and _holds(token.terms, part)] for part in parts
    ]
    if not all(holding):
        return []
    marked: dict[int, _Token] = {}
    for anchor in holding[0]:
        window = [
            [t for t in part if abs(t.position - anchor.position) <= NEAR_WINDOW]
            for part in holding
        ]
        if not all(window):
            continue
        for choice in _windows(window):
            for token in choice:
                marked[token.start] = token
    return list(marked.values())


def _holds(terms: WordTerms, part: str) -> bool:
    return terms.stem == part or part in terms.contained


def _windows(candidates: list[list[_Token]]) -> Iterator[tuple[_Token, ...]]:
    """Each choice of one token per part spanning at most `NEAR_WINDOW` positions."""
    choices: list[tuple[_Token, ...]] = [()]
    for tokens in candidates:
        choices = [(*choice, token) for choice in choices for token in tokens]
    for choice in choices:
        positions = [token.position for token in choice]
        if max(positions) - min(positions) <= NEAR_WINDOW:
            yield choice
