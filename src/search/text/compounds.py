"""Split Dutch compounds into their parts, against the word frequencies of a real Dutch lexicon.

Dutch writes compounds as one word ("overheidskantines", "regiocoördinatoren") where a user may
type the parts ("kantines van de overheid"), or the other way round. The analyzer indexes a
compound as itself and as its parts, so both forms find each other.

The lexicon is the large Dutch word list of `wordfreq` (subtitles, Wikipedia, web text, news),
with each word's frequency on the Zipf scale: log10 of occurrences per billion words, so 3.0
is once per million words. Accented spellings are folded and their frequencies added up, as
the analyzer folds accents too.

A word splits into two parts, or three if no two-part split exists, where:
- each part has at least `MIN_PART_LENGTH` letters: shorter pieces are more often prefixes
  and endings ("ver-", "toe-", "-ten") than words;
- each part is a lexicon word with a Zipf frequency of at least `MIN_PART_ZIPF`, and not a
  Dutch stopword or a bound morpheme (`data/bound_morphemes.txt`, endings and prefixes of
  Dutch derivation that also happen to be words: "-lijk", "-heden", "-ende");
- a part may be followed by a linking "-s-", "-e-" or "-en-" ("overheid-s-kantines"), and the
  last part may carry a plural "-s" or "-en" ("kantines" counts as "kantine");
- every part is at least `PART_MARGIN` (on the Zipf scale) more frequent than the whole word.
  A compound is rarer than each of its parts; a word about as frequent as one of its supposed
  parts is a word in its own right ("werklozen" is not "werk" + "lozen", "bestuur" is not
  "best" + "uur").
Among the splits with the fewest parts, the one with the most frequent parts (highest mean
Zipf frequency, as in Koehn and Knight's frequency-based splitting) wins. A part that is a
compound itself is split again, so a word yields its smallest parts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources

from whoosh.support.charset import accent_map

MIN_PART_LENGTH = 4
MIN_PART_ZIPF = 2.5
PART_MARGIN = 0.5
MAX_PARTS = 3
# Linking elements between two parts, the empty one first.
LINKS = ("", "s", "e", "en")
PLURAL_ENDINGS = ("s", "en")
LEXICON_LANGUAGE = "nl"
LEXICON_LIST = "large"
# Words below this frequency are treated as unknown: they can neither be parts nor stop a split.
_LEXICON_FLOOR = MIN_PART_ZIPF - PART_MARGIN


def read_word_list(name: str, package: str = "search.text") -> list[str]:
    """The lines of a word list in the `data/` folder of `package`, without comments and blank
    lines (a line holds no "#" but in its comment)."""
    text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


@functools.cache
def dutch_lexicon() -> dict[str, float]:
    """Zipf frequency of each accent-folded, all-letter Dutch word in wordfreq's large list."""
    # Imported on first use: a process that writes or searches without analysing new words
    # (an update that finds nothing to do) need not load it.
    import wordfreq

    frequencies: dict[str, float] = {}
    for word, frequency in wordfreq.get_frequency_dict(LEXICON_LANGUAGE, LEXICON_LIST).items():
        if word.isalpha():
            folded = word.translate(accent_map)
            frequencies[folded] = frequencies.get(folded, 0.0) + frequency
    zipf = ((word, wordfreq.freq_to_zipf(frequency)) for word, frequency in frequencies.items())
    return {word: value for word, value in zipf if value >= _LEXICON_FLOOR}


@functools.cache
def bound_morphemes() -> frozenset[str]:
    """Endings and prefixes that the lexicon knows as words but that are never compound parts."""
    return frozenset(read_word_list("bound_morphemes.txt"))


# Where a part stands in its word: (start, end), the part being word[start:end].
Span = tuple[int, int]


class CompoundSplitter:
    """Splits lowercase, accent-folded words into compound parts (see the module docstring)."""

    def __init__(
        self, lexicon: dict[str, float], excluded: Iterable[str], cache_size: int = 200_000
    ) -> None:
        self.lexicon = lexicon
        self.excluded = frozenset(excluded)
        # Least recently used splits go first when the cache is full, so that a large build
        # keeps the frequent words' splits instead of recomputing them in bursts.
        self.split_spans = functools.lru_cache(maxsize=cache_size)(self._smallest_spans)

    def split(self, word: str) -> tuple[str, ...]:
        """The smallest parts of a compound, or () for a word that is not one."""
        return tuple(word[start:end] for start, end in self.split_spans(word))

    def top_parts(self, word: str) -> tuple[str, ...]:
        """The parts of the best split of a compound, each maybe a compound itself, or ()."""
        return tuple(word[start:end] for start, end in self._best_split(word))

    def frequency(self, word: str) -> float:
        """The Zipf frequency of a word as a compound part; 0 if it cannot be one."""
        if len(word) < MIN_PART_LENGTH or word in self.excluded:
            return 0.0
        frequency = self.lexicon.get(word, 0.0)
        return frequency if frequency >= MIN_PART_ZIPF else 0.0

    def _smallest_spans(self, word: str) -> tuple[Span, ...]:
        """Where the smallest parts of a compound stand in it: each part of the best split,
        split again while it is a compound itself; () for a word that is not a compound."""
        spans: list[Span] = []
        for start, end in self._best_split(word):
            inner = self.split_spans(word[start:end])
            spans += [(start + a, start + b) for a, b in inner] or [(start, end)]
        return tuple(spans)

    def _best_split(self, word: str) -> tuple[Span, ...]:
        if len(word) < 2 * MIN_PART_LENGTH or not word.isalpha():
            return ()
        least = self.lexicon.get(word, 0.0) + PART_MARGIN
        for count in range(2, MAX_PARTS + 1):
            candidates = [
                (sum(frequencies) / count, spans)
                for spans, frequencies in self._splits(word, 0, count)
                if min(frequencies) >= least
            ]
            if candidates:
                return max(candidates)[1]
        return ()

    def _splits(
        self, word: str, start: int, count: int
    ) -> Iterable[tuple[tuple[Span, ...], tuple[float, ...]]]:
        """Every split of `word[start:]` into exactly `count` parts, with each part's span in
        `word` and its frequency."""
        if count == 1:
            frequency = self._head_frequency(word[start:])
            if frequency:
                yield ((start, len(word)),), (frequency,)
            return
        last = len(word) - MIN_PART_LENGTH * (count - 1)
        for end in range(start + MIN_PART_LENGTH, last + 1):
            for part in _without_link(word[start:end]):
                frequency = self.frequency(part)
                if frequency:
                    for spans, frequencies in self._splits(word, end, count - 1):
                        yield ((start, start + len(part)), *spans), (frequency, *frequencies)

    def _head_frequency(self, head: str) -> float:
        """The last part may be plural: "kantines" counts as often as "kantine"."""
        singulars = [head[: -len(ending)] for ending in PLURAL_ENDINGS if head.endswith(ending)]
        return max(self.frequency(form) for form in (head, *singulars))


def _without_link(left: str) -> list[str]:
    """The part a left piece can be: itself, or itself without a linking element."""
    return [left[: len(left) - len(link)] for link in LINKS if left.endswith(link)]


@functools.cache
def dutch_splitter(stopwords: frozenset[str]) -> CompoundSplitter:
    """The splitter on wordfreq's Dutch lexicon, shared by every analyzer in the process."""
    return CompoundSplitter(dutch_lexicon(), stopwords | bound_morphemes())
