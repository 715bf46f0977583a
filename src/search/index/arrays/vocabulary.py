"""The words of one index generation: what each one is indexed as, how often it occurs, and the
words a few letters away from it.

Marking a hit's words and explaining why it was found reads its text word by word and needs
each word's index terms (its stem, the words it contains, its parts: `analysis.word_terms`).
Computing those takes the 79 MB compound lexicon and simplemma's data; a search process should
load them only to analyse a query word the index has never seen. So the writer saves the terms
of every word of the generation's texts with the generation (`vocabulary.parl`; the words of
the unstemmed fields and the hyphenated words written as one): a build takes them from the
processes that analysed its documents (`derived.LexiconFacts`), an update carries over those
its previous generation already knew and works out the others.

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.codec.base import Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.support.levenshtein import levenshtein

from search.index.arrays.array_files import (
    ArrayFile,
    Strings,
    encode_strings,
    gathered_runs,
    mapped_or_computed,
    write_arrays,
)
from search.index.arrays.document_table import segment_column
from search.index.arrays.postings import SegmentPostings
from search.index.format.segment_files import INDEX_NAME
from search.index.schema import JOINED_WORDS, TEXT_FIELDS, exact_field
from search.text.analysis import DUTCH_STOPWORDS, MAX_TOKEN_LENGTH, WordTerms, word_terms

VOCABULARY_FILE = "vocabulary.parl"
# How far a typed word may be from a suggestion, and how many of its first letters the
# deletion index keys on.
MAX_EDITS = 2
PREFIX_LENGTH = 7
# The fields whose words the vocabulary holds (the unstemmed text fields), besides the
# hyphenated words written as one (`JOINED_WORDS`).
WORD_FIELDS = tuple(exact_field(name) for name in TEXT_FIELDS)
# Words whose terms are kept decoded per process.
_CACHED_TERMS = 200_000
_NONE = -1


def write_vocabulary(
    generation: Path,
    previous: Path | None = None,
    terms: Mapping[str, WordTerms | None] | None = None,
) -> None:
    """Save the vocabulary of a committed generation (whose postings files are written) in it;
    what `previous` (a generation) knew is taken from its vocabulary, and the words of `terms`
    are not analysed again (see `vocabulary_arrays`)."""
    known = PreviousVocabulary.of(previous) if previous else None
    write_arrays(generation / VOCABULARY_FILE, vocabulary_arrays(generation, known, terms))


@dataclass(frozen=True)
class PreviousVocabulary:
    """Another generation's vocabulary arrays, and the ids of the segments it was made from."""

    arrays: Mapping[str, np.ndarray]
    segments: frozenset[str]

    @classmethod
    def of(cls, generation: Path) -> PreviousVocabulary | None:
        """The vocabulary of `generation` (None if it has no vocabulary file)."""
        path = generation / VOCABULARY_FILE
        if not path.exists():
            return None
        toc = TOC.read(FileStorage(str(generation)), INDEX_NAME)
        return cls(ArrayFile(path).arrays, frozenset(s.segment_id() for s in toc.segments))


def vocabulary_arrays(
    generation: Path,
    previous: PreviousVocabulary | None = None,
    terms: Mapping[str, WordTerms | None] | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of a generation's vocabulary (see the module docstring). The words of
    `previous` keep the terms and deletions it gave them, which are those their analysis
    gives; when it was made from some of this generation's segments, only the others are read
    for their words, and its frequencies are theirs (a segment's words and counts, deleted
    chunks included, never change). The words of `terms` take the terms given there
    (`vocabulary_terms` of each, worked out by the processes that analysed a build's documents)
    instead of being analysed here."""
    storage = FileStorage(str(generation))
    toc = TOC.read(storage, INDEX_NAME)
    frequencies, segments = _counted_before(previous, toc.segments)
    _add_exact_frequencies(frequencies, generation, toc.schema, segments)
    joined = _joined_words(storage, toc.schema, segments)
    words = sorted(frequencies.keys() | joined, key=lambda w: w.encode("utf-8"))
    known = _KnownWords(previous.arrays if previous else None, words)
    return {
        **encode_strings("words", words, ordered=True),
        "frequency": np.array([frequencies.get(word, 0) for word in words], dtype=np.int32),
        **_stem_arrays(words, known, terms or {}),
        **_deletion_index(words, known),
    }


def _counted_before(
    previous: PreviousVocabulary | None, segments: list[Segment]
) -> tuple[dict[str, int], list[Segment]]:
    """The words `previous` counted (every word it holds) with their frequencies, and the
    segments it did not count: when `previous` was made from some of `segments`; else no
    words, and all of them."""
    if previous is None or not previous.segments <= {s.segment_id() for s in segments}:
        return {}, segments
    words = Strings.stored(previous.arrays, "words").tolist()
    counted = dict(zip(words, previous.arrays["frequency"].tolist(), strict=True))
    return counted, [s for s in segments if s.segment_id() not in previous.segments]


class _KnownWords:
    """What another generation's vocabulary holds for the words of this one: where each word
    stood in it (-1 for a word it did not have), its stems, and its runs' first letters."""

    def __init__(self, arrays: Mapping[str, np.ndarray] | None, words: list[str]) -> None:
        if arrays is None:
            self.numbers = np.full(len(words), -1, dtype=np.int64)
            self.stems: list[str] = []
            self.stem = np.zeros(0, dtype=np.int32)
            self.lists = {name: _no_lists() for name in ("contained", "parts")}
            self.prefixes: list[str] = []
            self.deletions = (np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int32))
            return
        old_words = Strings.stored(arrays, "words").tolist()
        place = {word: number for number, word in enumerate(old_words)}
        self.numbers = np.array([place.get(word, -1) for word in words], dtype=np.int64)
        self.stems = Strings.stored(arrays, "stems").tolist()
        self.stem = np.asarray(arrays["stem"])
        self.lists = {
            name: (np.asarray(arrays[f"{name}.starts"]), np.asarray(arrays[f"{name}.ids"]))
            for name in ("contained", "parts")
        }
        run_starts = np.asarray(arrays["runs.starts"])[:-1].tolist()
        self.prefixes = [old_words[number][:PREFIX_LENGTH] for number in run_starts]
        self.deletions = (
            np.asarray(arrays["deletions.hashes"]),
            np.asarray(arrays["deletions.runs"]),
        )


def _no_lists() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)


def _stem_arrays(
    words: list[str], known: _KnownWords, given: Mapping[str, WordTerms | None]
) -> dict[str, np.ndarray]:
    """Each word's stem, contained words and parts as numbers of the stems listed, numbered as
    first met: all words' stems, then their contained words, then their parts. The stems are
    numbered first among the known generation's stems and the new words' own after them; the
    terms of a new word are those `given` holds for it, else its analysis."""
    new = np.flatnonzero(known.numbers < 0).tolist()
    stem_keys = {stem: key for key, stem in enumerate(known.stems)}
    names = list(known.stems)

    def key(stem: str) -> int:
        if stem not in stem_keys:
            stem_keys[stem] = len(names)
            names.append(stem)
        return stem_keys[stem]

    analysed = {
        number: given[word] if word in given else vocabulary_terms(word)
        for number, word in zip(new, map(words.__getitem__, new), strict=True)
    }
    was = known.numbers
    old = was >= 0
    stem = np.full(len(words), _NONE, dtype=np.int64)
    stem[old] = known.stem[was[old]]
    for number, terms in analysed.items():
        stem[number] = key(terms.stem) if terms else _NONE
    lists = {
        name: _ragged_keys(
            was,
            known.lists[name],
            {n: [key(s) for s in getattr(t, name)] if t else [] for n, t in analysed.items()},
        )
        for name in ("contained", "parts")
    }
    sequence = np.concatenate([stem[stem >= 0], lists["contained"][1], lists["parts"][1]])
    met, first = np.unique(sequence, return_index=True)
    in_order = met[np.argsort(first, kind="stable")]
    # One place more than there are keys, left _NONE: a word without a stem (key -1) keeps none.
    renumber = np.full(len(names) + 1, _NONE, dtype=np.int32)
    renumber[in_order] = np.arange(len(in_order), dtype=np.int32)
    return {
        "stem": renumber[stem],
        **{
            array: values
            for name, (starts, keys) in lists.items()
            for array, values in (
                (f"{name}.starts", starts),
                (f"{name}.ids", renumber[keys]),
            )
        },
        **encode_strings("stems", [names[k] for k in in_order.tolist()]),
    }


def _ragged_keys(
    was: np.ndarray, known: tuple[np.ndarray, np.ndarray], analysed: dict[int, list[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Lists of stem keys, one per word, end to end, and where each starts: a known word's
    (`was` its number in the known vocabulary) from the known lists, a new word's from
    `analysed`."""
    known_starts, known_ids = known
    old = np.flatnonzero(was >= 0)
    sizes = np.zeros(len(was), dtype=np.int64)
    sizes[old] = known_starts[was[old] + 1] - known_starts[was[old]]
    for number, keys in analysed.items():
        sizes[number] = len(keys)
    starts = np.zeros(len(was) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    keys = np.zeros(int(starts[-1]), dtype=np.int64)
    old_sizes = sizes[old]
    keys[gathered_runs(starts[old], old_sizes)] = known_ids[
        gathered_runs(known_starts[was[old]], old_sizes)
    ]
    for number, values in analysed.items():
        keys[starts[number] : starts[number + 1]] = values
    return starts, keys


def _add_exact_frequencies(
    frequencies: dict[str, int], generation: Path, schema: Schema, segments: list[Segment]
) -> None:
    """Add to `frequencies` each word of the unstemmed text fields of `segments` with the number
    of chunks holding it, summed over the fields (deleted chunks included, as Whoosh counts)."""
    for segment in segments:
        postings = SegmentPostings.open(generation, schema, segment)
        for name in WORD_FIELDS:
            field = postings.fields.get(name)
            if field is None:
                continue
            counts = np.diff(field.starts).tolist()
            for word, count in zip(field.terms.tolist(), counts, strict=True):
                frequencies[word] = frequencies.get(word, 0) + count


def _joined_words(storage: FileStorage, schema: Schema, segments: list[Segment]) -> set[str]:
    """The hyphenated words of the texts of `segments` written as one."""
    words: set[str] = set()
    for segment in segments:
        reader = SegmentReader(storage, schema, segment)
        try:
            for value in segment_column(reader, JOINED_WORDS).tolist():
                words.update(value.split())
        finally:
            reader.close()
    return words


def vocabulary_terms(word: str) -> WordTerms | None:
    """A word's index terms as the vocabulary keeps them (None for a word the ranked fields
    leave out)."""
    if not 1 <= len(word) <= MAX_TOKEN_LENGTH or word in DUTCH_STOPWORDS:
        return None
    return word_terms(word)


def _deletion_index(words: list[str], known: _KnownWords) -> dict[str, np.ndarray]:
    """The deletion index: for each run of words sharing their first `PREFIX_LENGTH` letters
    (sorted words stand together), the hashes of the strings those letters leave after up to
    `MAX_EDITS` deletions, sorted, with the run they come from; and where each run starts.
    The runs the known vocabulary had keep its hashes."""
    prefixes = [word[:PREFIX_LENGTH] for word in words]
    run_starts = [n for n, prefix in enumerate(prefixes) if n == 0 or prefix != prefixes[n - 1]]
    run_of = {prefixes[start]: run for run, start in enumerate(run_starts)}
    renumber = np.array([run_of.get(prefix, _NONE) for prefix in known.prefixes], dtype=np.int32)
    known_hashes, known_runs = known.deletions
    runs_now = renumber[known_runs] if len(renumber) else known_runs
    kept = runs_now >= 0
    had = set(known.prefixes)
    hashes: list[int] = []
    runs: list[int] = []
    for prefix, run in run_of.items():
        if prefix in had:
            continue
        for deleted in _deletions(prefix):
            hashes.append(zlib.crc32(deleted.encode("utf-8")))
            runs.append(run)
    hash_array = np.concatenate([known_hashes[kept], np.array(hashes, dtype=np.uint32)])
    run_array = np.concatenate([runs_now[kept], np.array(runs, dtype=np.int32)])
    # By hash, then run: whatever order the entries were gathered in, the order of a stable
    # sort by hash of the entries listed run by run (equal hash and run: equal entries).
    order = np.lexsort((run_array, hash_array))
    return {
        "deletions.hashes": hash_array[order],
        "deletions.runs": run_array[order],
        "runs.starts": np.array([*run_starts, len(words)], dtype=np.int32),
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
