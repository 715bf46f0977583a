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

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh import query as wq

from search.engine import plan
from search.index.near import NEAR_WINDOW
from search.index.schema import EXACT_SUFFIX
from search.text.analysis import (
    DUTCH_STOPWORDS,
    JOINED,
    MAX_TOKEN_LENGTH,
    WORD,
    WordTerms,
    dutch_analyzer,
    folded_spans,
    word_terms,
)

EXACT, STEM, PART, PARTS, PREFIX = "exact", "stem", "part", "parts", "prefix"

_RANKED = dutch_analyzer()


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


@dataclass(frozen=True)
class _Token:
    """A word of a text (or hyphenated words joined), its place and its index terms."""

    folded: str
    position: int
    start: int
    end: int
    terms: WordTerms | None


def find(text: str, words: tuple[QueryWord, ...]) -> list[Found]:
    """Every match of the query's words in `text`, in the order they stand."""
    if not words:
        return []
    tokens, joined = _tokens(text)
    found: list[Found] = []
    for index, word in enumerate(words):
        found += _matches(index, word, tokens, joined)
    return sorted(found, key=lambda match: (match.start, match.end, match.word))


def _tokens(text: str) -> tuple[list[_Token], list[_Token]]:
    """The text's words, and its hyphenated words joined, as the ranked field indexes them."""
    tokens: list[_Token] = []
    joined: list[_Token] = []
    run: list[_Token] = []
    for position, (folded, start, end) in enumerate(folded_spans(text)):
        indexed = 1 <= len(folded) <= MAX_TOKEN_LENGTH and folded not in DUTCH_STOPWORDS
        token = _Token(folded, position, start, end, word_terms(folded) if indexed else None)
        if run and start == run[-1].end + 1 and text[run[-1].end] == "-":
            run.append(token)
        else:
            joined += _joined(run)
            run = [token]
        tokens.append(token)
    joined += _joined(run)
    return tokens, joined


def _joined(run: list[_Token]) -> list[_Token]:
    if len(run) < 2:
        return []
    folded = "".join(token.folded for token in run)
    terms = word_terms(folded) if len(folded) <= MAX_TOKEN_LENGTH else None
    return [_Token(folded, run[-1].position, run[0].start, run[-1].end, terms)]


def _matches(
    index: int, word: QueryWord, tokens: list[_Token], joined: list[_Token]
) -> Iterator[Found]:
    if word.pattern is not None:
        for token in tokens:
            if word.pattern.match(token.folded):
                yield Found(index, PREFIX, token.start, token.end)
        return
    if word.phrase:
        for first, last in _in_order(tokens, word.phrase, word.slop, lambda t: t.folded):
            yield Found(index, EXACT, tokens[first].start, tokens[last].end)
        return
    matched: set[int] = set()
    for token in (*tokens, *joined):
        how = _word_match(word, token)
        if how:
            matched.add(token.start)
            yield Found(index, how, token.start, token.end)
    if word.members:
        stems = tuple(_stem(token) for token in tokens)
        for first, last in _in_order(tokens, word.members, 1, lambda t: stems[t.position]):
            written = tuple(token.folded for token in tokens[first : last + 1])
            how = EXACT if written == word.member_words else STEM
            yield Found(index, how, tokens[first].start, tokens[last].end)
    if word.parts:
        for token in _near_parts(word.parts, [*tokens, *joined]):
            if token.start not in matched:
                yield Found(index, PARTS, token.start, token.end)


def _word_match(word: QueryWord, token: _Token) -> str:
    """How a document word matches a typed word: as typed, another form, or inside a
    compound ("" if not at all)."""
    if token.folded in word.exact:
        return EXACT
    if token.terms is None:
        return ""
    if token.terms.stem in word.stems:
        return STEM
    if not word.stems.isdisjoint(token.terms.contained):
        return PART
    return ""


def _stem(token: _Token) -> str:
    return token.terms.stem if token.terms is not None else ""


def _in_order(tokens, sequence, slop: int, key) -> Iterator[tuple[int, int]]:
    """(first, last) token of each occurrence of `sequence` (by `key`), its items in order and
    at most `slop` positions apart, as the index's phrase search allows."""
    keys = [key(token) for token in tokens]
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
