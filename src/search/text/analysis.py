"""Dutch text analysis: one definition used at index time, at query time and for highlighting.

Both analyzers are chains of small named parts, as Whoosh builds its own. Whoosh pickles them into
the index schema, so every part is a module-level class without lambdas or closures; the data
they use (the lexicon, the stem exceptions) is loaded once per process, on first use.

The ranked form, step by step:
- words and numbers, lowercased, accents folded, "'s" dropped;
- a hyphenated word ("burn-out") is followed by its members written as one ("burnout");
- Dutch stopwords go;
- each word becomes its index terms (`word_terms`): its stem, then, for a compound, the stems
  of the words it contains marked with `PART_MARK` ("kerncentralesite": "kerncentralesit",
  "~kern", "~central", "~sit", "~kerncentral", "~centralesit"), so that a query word finds the
  compounds that contain it ("~kerncentral") but a part never passes for the word itself.
A stem is snowball's `dutch_porter` stem, except the words in `data/stem_exceptions.txt`, which
the stemmer mangles ("overheid" -> "over"), after a plural "-s" that snowball keeps
("organisaties") is dropped, and with a doubled final consonant undoubled ("gevangenissen" ->
"gevangenis"). A compound inflects in its last part, so its stem is the rest as written and the
stem of that part ("overheidskantines" -> "overheids" + "kantin"), whatever snowball would make
of the whole. Each token says what it is in `token.role`: a word as written, a hyphenated word
joined, or a contained part; the stemmed field builds its queries from that (`schema.RankedText`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import snowballstemmer
from whoosh.analysis import (
    CharsetFilter,
    Composable,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from search.text.compounds import dutch_lexicon, dutch_splitter, read_word_list
from search.text.lemmas import lemma

# Letters and digits; any other character (also "." and "-") ends a token, so sentences glued
# without a space ("storing.Trein") still split. An apostrophe inside a word ("auto's") stays.
TOKEN_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
# Longer tokens are digit runs from flattened tables or junk, never words a user types.
MAX_TOKEN_LENGTH = 50
# The snowball Dutch stopword list (as shipped by Whoosh, from snowball).
DUTCH_STOPWORDS = stoplists["nl"]
STEMMER_ALGORITHM = "dutch_porter"

# What a token of the ranked form is (`token.role`).
WORD, JOINED, PART = "word", "joined", "part"
# Marks the term of a word contained in a compound, apart from the same word standing alone.
PART_MARK = "~"

_FOLD_MAP = {**accent_map, ord("’"): "'"}
_VOWELS = frozenset("aeiouy")
_TOKEN = re.compile(TOKEN_PATTERN)


class WordTokenizer(RegexTokenizer):
    """`TOKEN_PATTERN` tokens, each marking whether a hyphen joins it to the one before
    (`token.after_hyphen`: "out" in "burn-out")."""

    def __init__(self) -> None:
        super().__init__(TOKEN_PATTERN)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        if not tokenize:
            yield from super().__call__(
                value,
                positions,
                chars,
                keeporiginal,
                removestops,
                start_pos,
                start_char,
                tokenize,
                mode,
                **kwargs,
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        previous_end = -2
        for pos, match in enumerate(self.expression.finditer(value)):
            start, end = match.span()
            token.text = match.group(0)
            token.boost, token.stopped = 1.0, False
            token.after_hyphen = start == previous_end + 1 and value[previous_end] == "-"
            previous_end = end
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class ApostropheFilter(Filter):
    """Drop a plural or genitive "'s" ("auto's" -> "auto") and any other apostrophe ("d'hondt")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if "'" in token.text:
                token.text = without_apostrophes(token.text)
            yield token


def without_apostrophes(text: str) -> str:
    """A word without a final "'s" and without any other apostrophe."""
    return (text[:-2] if text.endswith("'s") else text).replace("'", "")


class HyphenJoinFilter(Filter):
    """Follow a hyphenated word with its members joined, at the position of the last member:
    "burn-out" -> "burn", "out", "burnout". Both spellings then meet, and the compound
    splitter sees the whole word ("burn-outpreventie" -> "burnout" + "preventie")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        members: list[str] = []
        token = last_pos = None
        for token in tokens:
            if not token.after_hyphen:
                if len(members) > 1:
                    yield _joined(token, members, last_pos)
                members = []
            members.append(token.text)
            last_pos = getattr(token, "pos", None)
            token.role = WORD
            yield token
        if len(members) > 1:
            yield _joined(token, members, last_pos)


def _joined(template: Token, members: list[str], pos: int | None) -> Token:
    """A new token (the tokenizer reuses its own) for the members joined, at `pos`."""
    joined = template.copy()
    joined.text, joined.role, joined.stopped, joined.boost = "".join(members), JOINED, False, 1.0
    if pos is not None:
        joined.pos = pos
    return joined


class IndexTermsFilter(Filter):
    """Replace each word by its stem, followed by the marked stems of the words it contains, at
    the same position (see `word_terms`); each word token carries its `WordTerms` as `terms`."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if token.stopped:
                token.terms = None
                yield token
                continue
            terms = word_terms(token.text)
            token.text, token.terms = terms.stem, terms
            yield token
            role = token.role
            for contained in terms.contained:
                token.text, token.role, token.terms = PART_MARK + contained, PART, None
                yield token
            token.role = role


@functools.cache
def stem_exceptions() -> dict[str, str]:
    """Word -> stem for the words the stemmer mangles: each line of the data file lists a
    stem and the forms indexed as it ("gemeente gemeenten gemeentes")."""
    exceptions = {}
    for line in read_word_list("stem_exceptions.txt"):
        stem, *forms = line.split()
        exceptions.update((form, stem) for form in (stem, *forms))
    return exceptions


def singular(word: str) -> str:
    """Drop the plural "-s" after a vowel when the lexicon knows the singular: "organisaties",
    "kantines", "gemeentes". Snowball's Dutch stemmers keep that "s" (they cannot tell it
    from the "s" of "proces" or "huis"), so singular and plural would never meet."""
    if len(word) > 4 and word[-1] == "s" and word[-2] in _VOWELS and word[:-1] in dutch_lexicon():
        return word[:-1]
    return word


class SnowballStemFilter(Filter):
    """Replace each unstopped token by its snowball stem, caching stems of seen words."""

    def __init__(self, algorithm: str = STEMMER_ALGORITHM, cache_size: int = 100_000) -> None:
        self.algorithm = algorithm
        self.cache_size = cache_size
        self._stemmer = None
        # The least recently used stems go first when the cache is full.
        self.stem = functools.lru_cache(maxsize=cache_size)(self._stem)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.algorithm == self.algorithm

    def __getstate__(self) -> dict:
        return {"algorithm": self.algorithm, "cache_size": self.cache_size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def _stem(self, word: str) -> str:
        """The stem of one lowercase, accent-folded word."""
        if self._stemmer is None:
            self._stemmer = snowballstemmer.stemmer(self.algorithm)
        return self._new_stem(word)

    def _new_stem(self, word: str) -> str:
        return self._stemmer.stemWord(word)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not token.stopped:
                token.text = self.stem(token.text)
            yield token


class DutchStemFilter(SnowballStemFilter):
    """Snowball stemming, but the listed exceptions keep their own stem, a plural "-s" after a
    vowel goes first (see `singular`), and a doubled final consonant is undoubled after: the
    plurals "gevangenissen", "vennootschappen", "processen" leave "gevangeniss",
    "vennootschapp", "process", which must meet "gevangenis", "vennootschap", "proces"."""

    def _new_stem(self, word: str) -> str:
        exception = stem_exceptions().get(word)
        if exception:
            return exception
        stem = self._stemmer.stemWord(singular(word))
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
            return stem[:-1]
        return stem


def word_tokens() -> Composable:
    """Words and numbers, lowercased and accent-folded ("België" -> "belgie"), stopwords kept."""
    return WordTokenizer() | LowercaseFilter() | CharsetFilter(_FOLD_MAP) | ApostropheFilter()


class ExactAnalyzer(CompositeAnalyzer):
    """The unstemmed chain (see `exact_analyzer`), with a fast way to index a text."""

    def word_positions(self, value: str) -> dict[str, list[int]]:
        """Each word of `value` with its positions: what indexing the tokens of this chain
        gives, computed without making tokens (`test_analysis` holds the two equal)."""
        exact: dict[str, list[int]] = {}
        _index_words(value, None, exact)
        return exact


class DutchAnalyzer(CompositeAnalyzer):
    """The ranked chain (see `dutch_analyzer`), with a fast way to index a text."""

    def word_positions(self, value: str) -> dict[str, list[int]]:
        """Each stem of `value` with its positions: what indexing the tokens of this chain
        gives, computed without making tokens (`test_analysis` holds the two equal)."""
        ranked: dict[str, list[int]] = {}
        _index_words(value, ranked, None)
        return ranked


def ranked_and_exact_positions(value: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """What `DutchAnalyzer.word_positions` and `ExactAnalyzer.word_positions` give for `value`,
    from one pass over its words: a stemmed field and its unstemmed twin index the same text."""
    ranked: dict[str, list[int]] = {}
    exact: dict[str, list[int]] = {}
    _index_words(value, ranked, exact)
    return ranked, exact


def _index_words(
    value: str, ranked: dict[str, list[int]] | None, exact: dict[str, list[int]] | None
) -> None:
    """Add the positions of each stem of `value` to `ranked` and of each word to `exact`."""
    members: list[str] = []
    previous_end = -2
    exact_position = None
    for index, match in enumerate(_TOKEN.finditer(value)):
        text, kept, terms = _token_terms(match.group())
        if exact is not None and kept:
            # The StopFilter renumbers: a dropped token takes no position.
            exact_position = index if exact_position is None else exact_position + 1
            exact.setdefault(text, []).append(exact_position)
        if ranked is None:
            continue
        start, end = match.span()
        if not (start == previous_end + 1 and value[previous_end] == "-"):
            if len(members) > 1:
                _add_terms(ranked, _ranked_terms("".join(members)), index - 1)
            members = []
        previous_end = end
        members.append(text)
        _add_terms(ranked, terms, index)
    if ranked is not None and len(members) > 1:
        _add_terms(ranked, _ranked_terms("".join(members)), index)


def _add_terms(positions: dict[str, list[int]], terms: tuple[str, ...], position: int) -> None:
    for term in terms:
        positions.setdefault(term, []).append(position)


@functools.lru_cache(maxsize=500_000)
def _token_terms(raw: str) -> tuple[str, bool, tuple[str, ...]]:
    """A token as written: the word it is folded to, whether the unstemmed form keeps it (its
    length), and the terms the ranked form indexes it under."""
    text = folded_word(raw)
    return text, 1 <= len(text) <= MAX_TOKEN_LENGTH, _ranked_terms(text)


def _ranked_terms(text: str) -> tuple[str, ...]:
    """The terms the ranked form indexes a folded word under: none for a stopword or a word
    of another length than a token may have."""
    if 1 <= len(text) <= MAX_TOKEN_LENGTH and text not in DUTCH_STOPWORDS:
        return word_terms(text).index_terms
    return ()


def folded_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` as `word_tokens` leaves it, with its start and end in `text`: the
    same as that chain with `chars=True`, without making tokens."""
    for match in _TOKEN.finditer(text):
        yield folded_word(match.group()), match.start(), match.end()


def folded_words(text: str) -> list[tuple[str, str]]:
    """Each word of `text` as `word_tokens` leaves it, with the word as written: the spans of
    `folded_spans` without their places, found faster."""
    return [(folded_word(raw), raw) for raw in _TOKEN.findall(text)]


@functools.lru_cache(maxsize=500_000)
def folded_word(raw: str) -> str:
    """A token as `word_tokens` leaves it: lowercase, accents folded, apostrophes handled."""
    text = raw.lower().translate(_FOLD_MAP)
    return without_apostrophes(text) if "'" in text else text


def exact_analyzer() -> ExactAnalyzer:
    """The unstemmed form, for exact phrases and prefix queries: every word, stopwords included."""
    return ExactAnalyzer(
        word_tokens(), StopFilter(stoplist=None, minsize=1, maxsize=MAX_TOKEN_LENGTH)
    )


def dutch_analyzer() -> DutchAnalyzer:
    """The ranked form: words without Dutch stopwords, each as its stem followed by the marked
    stems of the words it contains."""
    return DutchAnalyzer(
        word_tokens(),
        HyphenJoinFilter(),
        # Without renumbering, a joined word keeps the position of its last member.
        StopFilter(stoplist=DUTCH_STOPWORDS, minsize=1, maxsize=MAX_TOKEN_LENGTH, renumber=False),
        IndexTermsFilter(),
    )


@functools.cache
def _ranked_stemmer() -> DutchStemFilter:
    return DutchStemFilter()


@dataclass(frozen=True)
class WordTerms:
    """What a lowercase, accent-folded word is indexed and searched as (see `word_terms`)."""

    # The word itself, and its stem: the same for all its forms.
    word: str
    stem: str
    # The stems of the words a compound contains: each run of its smallest parts but the whole
    # ("kerncentralesite": "kern", "central", "sit", "kerncentral", "centralesit").
    contained: tuple[str, ...] = ()
    # The stems of the parts of its best split, each maybe a compound itself
    # ("spoorwegpolitie": "spoorweg", "politie"); () for a word that is not a compound.
    parts: tuple[str, ...] = ()

    @functools.cached_property
    def index_terms(self) -> tuple[str, ...]:
        """The terms the ranked field indexes the word under, at its position."""
        return (self.stem, *(PART_MARK + term for term in self.contained))


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> WordTerms:
    """The stem of a word, of the words it contains and of its parts: "overheidsdiensten" ->
    WordTerms("overheidsdiensten", "overheidsdienst", ("overheid", "dienst"), ("overheid",
    "dienst")). An irregular form is taken in its dictionary form first (`lemmas`:
    "ziekenhuizen" -> "ziekenhuis")."""
    base = lemma(word)
    splitter = dutch_splitter(DUTCH_STOPWORDS)
    spans = splitter.split_spans(base)
    if not spans:
        return WordTerms(word, _ranked_stemmer().stem(base))
    contained = dict.fromkeys(
        _compound_stem(base[spans[first][0] : spans[last][1]])
        for first in range(len(spans))
        for last in range(first, len(spans))
        if (first, last) != (0, len(spans) - 1)
    )
    parts = tuple(_compound_stem(part) for part in splitter.top_parts(base))
    return WordTerms(word, _compound_stem(base), tuple(contained), parts)


def _compound_stem(word: str) -> str:
    """The stem of a word that may be a compound: the stem of its last part in its dictionary
    form, after the rest as written ("overheidskantines" -> "overheidskantin",
    "universiteitsziekenhuizen" -> "universiteitsziekenhuis")."""
    spans = dutch_splitter(DUTCH_STOPWORDS).split_spans(word)
    head = spans[-1][0] if spans else 0
    return word[:head] + _ranked_stemmer().stem(lemma(word[head:]))


def analyze(text: str, analyzer: Composable) -> list[str]:
    """The token texts an analyzer makes of `text` (for tests and diagnostics)."""
    return [token.text for token in analyzer(text)]
