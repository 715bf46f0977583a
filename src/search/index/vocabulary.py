"""The words of one index generation: what each one is indexed as, how often it occurs, and the
words a few letters away from it.

Marking a hit's words and explaining why it was found reads its text word by word and needs
each word's index terms (its stem, the words it contains, its parts: `analysis.word_terms`).
Computing those takes the 79 MB compound lexicon and simplemma's data; a search process should
load them only to analyse a query word the index has never seen. So the writer computes the
terms of every word of the generation's texts once (the words of the unstemmed fields and the
hyphenated words written as one), carrying over those an update's previous generation already
knew, and saves them with the generation (`vocabulary.parl`).

The spelling suggestion ("Bedoelde u …?") looks for the words within `MAX_EDITS` edits of a
typed word. Walking the whole vocabulary costs more the larger it grows; instead the file holds
a deletion index in the style of SymSpell: for the first `PREFIX_LENGTH` letters of each word,
every string left by deleting up to `MAX_EDITS` of them, hashed (CRC-32) and sorted. A typed
word's own deletions find every word within `MAX_EDITS` edits (two strings that far apart
become equal after at most that many deletions from each, and so do their first letters), in a
few binary searches whatever the vocabulary's size; the candidates are then checked by their
real edit distance.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.support.levenshtein import levenshtein

from search.index.array_files import Strings, encode_strings, mapped_or_computed, write_arrays
from search.index.document_table import segment_column
from search.index.postings import SegmentPostings
from search.index.schema import JOINED_WORDS, TEXT_FIELDS, exact_field
from search.index.segment_files import INDEX_NAME
from search.text.analysis import DUTCH_STOPWORDS, MAX_TOKEN_LENGTH, WordTerms, word_terms

VOCABULARY_FILE = "vocabulary.parl"
# How far a typed word may be from a suggestion, and how many of its first letters the
# deletion index keys on.
MAX_EDITS = 2
PREFIX_LENGTH = 7
# Words whose terms are kept decoded per process.
_CACHED_TERMS = 200_000
_NONE = -1


def write_vocabulary(generation: Path, previous: Path | None = None) -> None:
    """Save the vocabulary of a committed generation (whose postings files are written) in it;
    the words `previous` (a generation) knew keep the terms it gave them."""
    known = (
        Vocabulary.open(previous) if previous and (previous / VOCABULARY_FILE).exists() else None
    )
    write_arrays(generation / VOCABULARY_FILE, vocabulary_arrays(generation, known))


def vocabulary_arrays(generation: Path, known: Vocabulary | None = None) -> dict[str, np.ndarray]:
    """The arrays of a generation's vocabulary (see the module docstring)."""
    frequencies = _exact_frequencies(generation)
    words = sorted(frequencies.keys() | _joined_words(generation), key=lambda w: w.encode("utf-8"))
    terms = [_terms(word, known) for word in words]
    stems: dict[str, int] = {}

    def stem_id(stem: str) -> int:
        return stems.setdefault(stem, len(stems))

    stem = [stem_id(t.stem) if t else _NONE for t in terms]
    contained = [[stem_id(c) for c in t.contained] if t else [] for t in terms]
    parts = [[stem_id(p) for p in t.parts] if t else [] for t in terms]
    return {
        **encode_strings("words", words, ordered=True),
        "frequency": np.array([frequencies.get(word, 0) for word in words], dtype=np.int32),
        "stem": np.array(stem, dtype=np.int32),
        **_ragged("contained", contained),
        **_ragged("parts", parts),
        **encode_strings("stems", list(stems)),
        **_deletion_index(words),
    }


def _exact_frequencies(generation: Path) -> dict[str, int]:
    """Each word of the unstemmed text fields with the number of chunks holding it, summed over
    the fields (deleted chunks included, as Whoosh counts)."""
    storage = FileStorage(str(generation))
    toc = TOC.read(storage, INDEX_NAME)
    frequencies: dict[str, int] = {}
    for segment in toc.segments:
        postings = SegmentPostings.open(generation, toc.schema, segment)
        for name in TEXT_FIELDS:
            field = postings.fields.get(exact_field(name))
            if field is None:
                continue
            counts = np.diff(field.starts).tolist()
            for word, count in zip(field.terms.tolist(), counts, strict=True):
                frequencies[word] = frequencies.get(word, 0) + count
    return frequencies


def _joined_words(generation: Path) -> set[str]:
    """The hyphenated words of the generation's texts written as one."""
    storage = FileStorage(str(generation))
    toc = TOC.read(storage, INDEX_NAME)
    words: set[str] = set()
    for segment in toc.segments:
        reader = SegmentReader(storage, toc.schema, segment)
        try:
            for value in segment_column(reader, JOINED_WORDS).tolist():
                words.update(value.split())
        finally:
            reader.close()
    return words


def _terms(word: str, known: Vocabulary | None) -> WordTerms | None:
    """A word's index terms (None for a word the ranked fields leave out)."""
    if not 1 <= len(word) <= MAX_TOKEN_LENGTH or word in DUTCH_STOPWORDS:
        return None
    found = known.terms(word) if known is not None else None
    return found or word_terms(word)


def _ragged(name: str, lists: list[list[int]]) -> dict[str, np.ndarray]:
    starts = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(items) for items in lists], out=starts[1:])
    values = np.fromiter(
        (i for items in lists for i in items), dtype=np.int32, count=int(starts[-1])
    )
    return {f"{name}.starts": starts, f"{name}.ids": values}


def _deletion_index(words: list[str]) -> dict[str, np.ndarray]:
    """The deletion index: for each run of words sharing their first `PREFIX_LENGTH` letters
    (sorted words stand together), the hashes of the strings those letters leave after up to
    `MAX_EDITS` deletions, sorted, with the run they come from; and where each run starts."""
    run_starts: list[int] = []
    hashes: list[int] = []
    runs: list[int] = []
    previous = None
    for number, word in enumerate(words):
        prefix = word[:PREFIX_LENGTH]
        if prefix == previous:
            continue
        previous = prefix
        run = len(run_starts)
        run_starts.append(number)
        for deleted in _deletions(prefix):
            hashes.append(zlib.crc32(deleted.encode("utf-8")))
            runs.append(run)
    run_starts.append(len(words))
    hash_array = np.array(hashes, dtype=np.uint32)
    order = np.argsort(hash_array, kind="stable")
    return {
        "deletions.hashes": hash_array[order],
        "deletions.runs": np.array(runs, dtype=np.int32)[order],
        "runs.starts": np.array(run_starts, dtype=np.int32),
    }


def _deletions(text: str) -> set[str]:
    """`text` and every string left by deleting up to `MAX_EDITS` of its letters."""
    found = {text}
    latest = {text}
    for _ in range(MAX_EDITS):
        latest = {s[:i] + s[i + 1 :] for s in latest for i in range(len(s))}
        found |= latest
    return found


class Vocabulary:
    """The words of one generation, read from its vocabulary file."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.words = Strings.stored(arrays, "words")
        self._stems = Strings.stored(arrays, "stems")
        # Memory views: read one item at a time, far cheaper than numpy's indexing.
        self._frequency = memoryview(arrays["frequency"])
        self._stem = memoryview(arrays["stem"])
        self._lists = {
            name: (memoryview(arrays[f"{name}.starts"]), memoryview(arrays[f"{name}.ids"]))
            for name in ("contained", "parts")
        }
        self._hashes = arrays["deletions.hashes"]
        self._runs = arrays["deletions.runs"]
        self._run_starts = arrays["runs.starts"]
        self.terms = functools.lru_cache(maxsize=_CACHED_TERMS)(self._terms)

    @classmethod
    def open(cls, generation: Path) -> Vocabulary:
        """The vocabulary of a generation: its file, or, without one, computed in memory."""
        path = generation / VOCABULARY_FILE
        return cls(mapped_or_computed(path, lambda: vocabulary_arrays(generation)))

    def _terms(self, word: str) -> WordTerms | None:
        """A word's index terms as the writer computed them; None for a word the generation
        does not hold (or one the ranked fields leave out)."""
        number = self.words.find(word)
        if number < 0 or self._stem[number] == _NONE:
            return None
        return WordTerms(
            word,
            self._stems[self._stem[number]],
            self._stem_list("contained", number),
            self._stem_list("parts", number),
        )

    def _stem_list(self, name: str, number: int) -> tuple[str, ...]:
        starts, ids = self._lists[name]
        return tuple(self._stems[i] for i in ids[starts[number] : starts[number + 1]])

    def frequency(self, word: str) -> int:
        """How many chunks hold `word` in an unstemmed text field (0 if none)."""
        number = self.words.find(word)
        return 0 if number < 0 else self._frequency[number]

    def within(self, word: str) -> list[str]:
        """The words of the unstemmed text fields at most `MAX_EDITS` edits from `word`
        (Levenshtein) and starting with its first letter, `word` itself left out: the words
        Whoosh's `terms_within(field, word, MAX_EDITS, prefix=1)` finds."""
        hashes = np.array(
            [zlib.crc32(d.encode("utf-8")) for d in _deletions(word[:PREFIX_LENGTH])],
            dtype=np.uint32,
        )
        lows = np.searchsorted(self._hashes, hashes, side="left")
        highs = np.searchsorted(self._hashes, hashes, side="right")
        runs = np.unique(
            np.concatenate([self._runs[a:b] for a, b in zip(lows, highs, strict=True)])
        )
        found = []
        for number in self._numbers(runs):
            candidate = self.words[number]
            if (
                candidate[:1] == word[:1]
                and abs(len(candidate) - len(word)) <= MAX_EDITS
                and candidate != word
                and self._frequency[number] > 0
                and levenshtein(candidate, word, MAX_EDITS) <= MAX_EDITS
            ):
                found.append(candidate)
        return found

    def _numbers(self, runs: np.ndarray) -> Iterator[int]:
        for run in runs.tolist():
            yield from range(int(self._run_starts[run]), int(self._run_starts[run + 1]))
