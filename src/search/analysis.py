"""Dutch text analysis: one definition used at index time, at query time and for highlighting.

Both analyzers are chains of small named parts, as Whoosh builds its own. Whoosh pickles them into
the index schema, so every part is a module-level class without lambdas or closures.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

# Letters and digits; any other character (also "." and "-") ends a token, so sentences glued
# without a space ("storing.Trein") still split. An apostrophe inside a word ("auto's") stays.
TOKEN_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
# Longer tokens are digit runs from flattened tables or junk, never words a user types.
MAX_TOKEN_LENGTH = 50
# The snowball Dutch stopword list (as shipped by Whoosh, from snowball).
DUTCH_STOPWORDS = stoplists["nl"]
STEMMER_ALGORITHM = "dutch"

_FOLD_MAP = {**accent_map, ord("’"): "'"}


class ApostropheFilter(Filter):
    """Drop a plural or genitive "'s" ("auto's" -> "auto") and any other apostrophe ("d'hondt")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if "'" in token.text:
                text = token.text
                token.text = (text[:-2] if text.endswith("'s") else text).replace("'", "")
            yield token


class DutchStemFilter(Filter):
    """Replace each unstopped token by its snowball Dutch stem, caching stems of seen words."""

    def __init__(self, algorithm: str = STEMMER_ALGORITHM, cache_size: int = 100_000) -> None:
        self.algorithm = algorithm
        self.cache_size = cache_size
        self._stemmer = None
        self._cache: dict[str, str] = {}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.algorithm == self.algorithm

    def __getstate__(self) -> dict:
        return {"algorithm": self.algorithm, "cache_size": self.cache_size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def stem(self, word: str) -> str:
        """The stem of one lowercase, accent-folded word."""
        stem = self._cache.get(word)
        if stem is None:
            if self._stemmer is None:
                self._stemmer = snowballstemmer.stemmer(self.algorithm)
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            stem = self._cache[word] = self._stemmer.stemWord(word)
        return stem

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not token.stopped:
                token.text = self.stem(token.text)
            yield token


def word_tokens() -> Composable:
    """Words and numbers, lowercased and accent-folded ("België" -> "belgie"), stopwords kept."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(_FOLD_MAP)
        | ApostropheFilter()
    )


def exact_analyzer() -> Composable:
    """The unstemmed form, for exact phrases and prefix queries: every word, stopwords included."""
    return word_tokens() | StopFilter(stoplist=None, minsize=1, maxsize=MAX_TOKEN_LENGTH)


def dutch_analyzer() -> Composable:
    """The ranked form: words without Dutch stopwords, reduced to their snowball stems."""
    return (
        word_tokens()
        | StopFilter(stoplist=DUTCH_STOPWORDS, minsize=1, maxsize=MAX_TOKEN_LENGTH)
        | DutchStemFilter()
    )


def analyze(text: str, analyzer: Composable) -> list[str]:
    """The token texts an analyzer makes of `text` (for tests and diagnostics)."""
    return [token.text for token in analyzer(text)]
