"""Split Dutch compounds into their parts, against the word frequencies of a real Dutch lexicon.

Dutch writes compounds as one word ("overheidskantines", "regiocoördinatoren") where a user may
type the parts ("kantines van de overheid"), or the other way round. The analyzer indexes a
compound as itself and as the words it contains, so both forms find each other.

The lexicon is the large Dutch word list of `wordfreq` (subtitles, Wikipedia, web text, news),
with each word's frequency on the Zipf scale: log10 of occurrences per billion words, so 3.0
is once per million words. Accented spellings are folded and their frequencies added up, as
the analyzer folds accents too.

A compound is a modifier (or several) and a head: "kinder-armoede-plan". Each piece of a
candidate split is read as a word of the lexicon in one of the ways Dutch morphology allows
(`Part.rule`, `Part.lemma` the word it stands for):
- the head (last part) as written, in the singular ("kantines" as "kantine"), derived by a
  productive ending from a word of the lexicon ("wet-geving" from "geven", "grens-
  overschrijdende" from "overschrijden"), or a particle and a word ("gezins-bijslag");
- a modifier as written, or followed by a linking element: "-s-" ("gezin-s-hereniging"),
  "-en-" ("boek-en-kast", "fiets-en-stalling"), "-er-" of the nouns whose plural is "-eren"
  ("kind-er-armoede"), or in its plural form ("steden-band" stands for "stad"), or an old
  linking form (`data/linking_forms.txt`: "scheeps-" for "schip");
- a modifier that is a verb's stem, standing for the verb ("omzend-brief" for "omzenden",
  "opzeg-brief", "spaar-geld");
- a prefix that makes a kind of its head and stands for no word (`data/prefixoids.txt`:
  "pleeg-ouders", "mede-gevangenen").
Each part is a real word: at least `MIN_PART_LENGTH` letters with a Zipf frequency of at least
`MIN_PART_ZIPF`, or one of the short nouns of `data/short_parts.txt` ("wet", "lid", "uur"),
counted `SHORT_PART_COST` less frequent; never a stopword or a bound morpheme
(`data/bound_morphemes.txt`: "-lijk", "-heden", "-ende").

Which split: a plural or a derivation splits as the word it is made of ("lidstaten" as
"lidstaat", "plaatsing" not at all since "plaatsen" does not); else the fewest parts, then the
most frequent ones (the highest mean Zipf frequency, as in Koehn and Knight's splitting), where
a linking "-s-" or its absence counts for what the lexicon says of the modifier: the share of
its compounds there that take "-s-" (`link_share`), so that "bloedstalen" is "bloed" + "stalen"
(blood samples), not "bloed-s-talen", while "verkeersteken" is "verkeer-s-teken".

Whether to split at all (`CompoundSplitter.decision` says which rule decided):
- a word the lexicon does not know is split whenever a split exists;
- a word it knows is split only when its parts are together more frequent: their mean Zipf
  frequency at least `MEAN_MARGIN` above the word's and none more than `MIN_SLACK` below it
  ("werklozen" is no "werk" + "lozen", "minister" no "mini" + "ster");
- a separable verb, its participle or a noun made of it is no compound of its particle:
  "samenwerking", "overeenstemmen", "vastgelegd" (`data/particles.txt`);
- a compound whose meaning is no longer that of its parts, listed (`data/whole_words.txt`:
  "maatregel" is no kind of "regel", "ogenblik" no "blik");
- a derivation with "be-", "ge-", "ver-", "ont-" or "her-" of a word of the lexicon is no
  compound ("bekeuren" is "be-keuren", no "beke-uren"); a superlative is no modifier
  ("laatstleden");
- a loanword is no compound of the Dutch words it seems to hold: "automaat" is a word of its own
  where the lexicon knows its learned derivations ("automatisch", "automatiseren") and the
  would-be head has none; a head is never little more than a learned ending ("paren-tale" of
  "parentaal"); a learned prefix that looks like a Dutch word ("auto-" self, "post-" after:
  `data/learned_prefixes.txt`) is no modifier before a learned adjective ("posttraumatische")
  or where the lexicon holds the word with the Dutch prefix it stands for ("autocontrole" =
  "zelfcontrole").
A part that is a compound itself is split again, so a word yields its smallest parts.

The analysis is the same for every text a word is in (one definition, `analysis.word_terms`),
so it reads no corpus frequencies: a word's split would otherwise change with the documents
indexed, and an index updated with new documents would hold the same word analysed two ways.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import NamedTuple

from whoosh.support.charset import accent_map

from search.text.lemmas import lemma

MIN_PART_LENGTH = 4
# The length of the listed short parts (`data/short_parts.txt`).
MIN_SHORT_LENGTH = 3
MIN_PART_ZIPF = 2.5
# A split of a word the lexicon knows: the mean Zipf frequency of its parts at least this much
# above the word's, and none of them more than `MIN_SLACK` below it.
MEAN_MARGIN = 0.0
MIN_SLACK = 1.0
# A word of `short_parts` counts this much less frequent than the lexicon says: the frequency of
# a three-letter word also counts its English, French and Spanish namesakes ("man", "les",
# "los", "pas").
SHORT_PART_COST = 1.0
MAX_PARTS = 3
# How many of the most frequent splits compete on their linking (`CompoundSplitter._ranked`).
COMPETING = 4
# Readings of a piece (`Part.rule`).
(
    WORD,
    PLURAL,
    DERIVATION,
    LINK_S,
    LINK_EN,
    LINK_ER,
    PLURAL_FORM,
    OLD_FORM,
    VERB_STEM,
    PREFIX,
    PARTICLE,
) = (
    "woord",
    "meervoud",
    "afleiding",
    "tussen-s",
    "tussen-en",
    "tussen-er",
    "meervoudsvorm",
    "oude verbindingsvorm",
    "werkwoordstam",
    "voorvoegsel",
    "partikel en woord",
)
# A verb that a stem stands for needs this frequency (infinitives are frequent; a rare one is
# more often a noun's plural or a name).
MIN_VERB_ZIPF = 3.0
# A head the lexicon lacks but derives by a productive ending from a word it has ("bedeling"
# from "bedelen", "ongeschiktheid" from "ongeschikt") counts as that word this much less
# frequent; the endings and what they replace.
DERIVATION_COST = 0.5
DERIVATIONS = (
    ("ingen", "en"),
    ("ing", "en"),
    ("heden", ""),
    ("heid", ""),
    ("elijke", ""),
    ("elijk", ""),
    ("ende", "en"),
    ("end", "en"),
    ("ers", "en"),
    ("er", "en"),
)
_DERIVATION_ENDINGS = tuple(ending for ending, _ in DERIVATIONS)
# Learned adjectives and their nouns: a word so derived splits as its noun does
# ("technologische" as "technologie", no "techno" + "logische").
LEARNED_BASES = (("ische", "ie"), ("isch", "ie"), ("ische", "iek"), ("isch", "iek"))
# Prefixes of Dutch derivation: a word that is one of them and a word of the lexicon is that
# word derived ("be-keuren", "be-stuur", "ver-band"), no compound of other pieces.
DERIVING_PREFIXES = ("be", "ge", "ver", "ont", "her")
# The endings of nouns made of verbs, and what a verb has instead ("samenwerk-ing",
# "deelnem-ende", "medewerk-er").
PARTICLE_VERB_NOUNS = (
    ("ingen", "en"),
    ("ing", "en"),
    ("ende", "en"),
    ("end", "en"),
    ("ers", "en"),
    ("er", "en"),
)
# The endings of a participle ("vast-ge-leg-d", "terug-ge-vond-en").
PARTICIPLE_ENDINGS = ("d", "t", "de", "te", "en")
# The particles a separable verb's stem may start with ("om-zend-brief", "aan-meld-centrum").
VERB_PARTICLES = frozenset(
    (
        "aan",
        "af",
        "bij",
        "door",
        "in",
        "mee",
        "na",
        "om",
        "onder",
        "op",
        "over",
        "toe",
        "uit",
        "voor",
        "weg",
        "terug",
        "samen",
    )
)
# The particles that also make nouns of a noun or verb ("bij-slag", "op-vang", "af-name"): a
# head the lexicon lacks may be one of them and a word of the lexicon, counted that much less
# frequent.
NOUN_PARTICLES = frozenset(
    ("aan", "af", "bij", "door", "in", "mee", "na", "om", "onder", "op", "over", "toe", "uit")
)
PARTICLE_COST = 1.0
_PARTICLE_STARTS = frozenset(particle[:2] for particle in NOUN_PARTICLES)
# The endings of a head that may be read otherwise than as written (`_head_reading`).
_HEAD_ENDINGS = ("s", "en", *(ending for ending, _ in DERIVATIONS))
# The endings of a word that may be a plural or derivation of another (`_base`).
_BASE_ENDINGS = (*_HEAD_ENDINGS, *(ending for ending, _ in LEARNED_BASES))
# The endings of learned (Latin, Greek, French) derivations, which a loanword has and a Dutch
# compound's head does not: "automaat" -> "automatisch", "automatiseren".
LEARNED_DERIVATIONS = (
    "isch",
    "ische",
    "iseren",
    "isering",
    "isme",
    "ief",
    "ieve",
    "iek",
    "eren",
    "aal",
    "ale",
)
# Endings of learned adjectives, which the learned prefixes combine with ("posttraumatische").
LEARNED_ADJECTIVE_ENDINGS = ("isch", "ische", "ief", "ieve", "aal", "ale", "eel", "ele", "air")
# Endings of learned words, which a head never is little more than ("paren-tale").
LEARNED_ENDINGS = (*LEARNED_ADJECTIVE_ENDINGS, "atie", "aties", "iteit", "isme", "tuur", "turen")
# The diminutive endings, longest first ("ball-etje", "boom-pje", "stoel-tje", "kaart-je").
DIMINUTIVE_ENDINGS = ("etje", "pje", "kje", "tje", "je")
LEXICON_LANGUAGE = "nl"
LEXICON_LIST = "large"
# Words below this frequency are treated as unknown: they can neither be parts nor stop a split.
_LEXICON_FLOOR = 2.0
_VOWELS = frozenset("aeiouy")


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


@functools.cache
def short_parts() -> frozenset[str]:
    """The words shorter than `MIN_PART_LENGTH` that are compound parts ("wet", "lid", "uur")."""
    return frozenset(read_word_list("short_parts.txt"))


@functools.cache
def particles() -> frozenset[str]:
    """The particles of separable verbs that are no stopwords ("samen", "overeen", "terug")."""
    return frozenset(read_word_list("particles.txt"))


@functools.cache
def linking_forms() -> dict[str, str]:
    """Old linking forms of a modifier -> the word they stand for ("scheeps" -> "schip")."""
    return dict(line.split() for line in read_word_list("linking_forms.txt"))


@functools.cache
def learned_prefixes() -> dict[str, str]:
    """Learned prefixes that look like Dutch words -> the Dutch prefix they mean ("auto" ->
    "zelf")."""
    return dict(line.split() for line in read_word_list("learned_prefixes.txt"))


@functools.cache
def whole_words() -> frozenset[str]:
    """Compounds whose meaning is no longer that of their parts ("maatregel" is no "regel")."""
    return frozenset(read_word_list("whole_words.txt"))


@functools.cache
def prefixoids() -> frozenset[str]:
    """Prefixes that make a kind of their head and stand for no word of their own ("pleeg-",
    "mede-")."""
    return frozenset(read_word_list("prefixoids.txt"))


class Part(NamedTuple):
    """A part of a compound: `word[start:end]` as written, without the linking element `link`
    that follows it; `lemma` the word it stands for ("kind" for "kinder-"), read by `rule`
    with the Zipf frequency `zipf`."""

    start: int
    end: int
    lemma: str
    link: str = ""
    rule: str = WORD
    zipf: float = 0.0

    def shifted(self, offset: int) -> Part:
        """The same part, `offset` letters further in a longer word."""
        return Part(
            self.start + offset, self.end + offset, self.lemma, self.link, self.rule, self.zipf
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A split considered, with its score (mean Zipf frequency and linking weight) and, when
    it was not taken, why."""

    parts: tuple[Part, ...]
    score: float
    rejected: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a word is split as it is: its Zipf frequency in the lexicon (0: unknown), the parts
    taken (none: not a compound), the rule that decided, and the other splits considered."""

    word: str
    zipf: float
    parts: tuple[Part, ...]
    reason: str
    candidates: tuple[Candidate, ...] = field(default=())


class CompoundSplitter:
    """Splits lowercase, accent-folded words into compound parts (see the module docstring)."""

    def __init__(
        self,
        lexicon: dict[str, float],
        excluded: Iterable[str],
        short: Iterable[str] = (),
        cache_size: int = 200_000,
    ) -> None:
        self.lexicon = lexicon
        self.excluded = frozenset(excluded)
        self.short = frozenset(short)
        # Each word that can be a part, with its frequency as one (see `frequency`).
        self._parts = {
            word: value for word, value in map(self._part_zipf, lexicon.items()) if value
        }
        self._sorted: list[str] | None = None
        # Least recently used splits go first when the cache is full, so that a large build
        # keeps the frequent words' splits instead of recomputing them in bursts.
        self._splits_of = functools.lru_cache(maxsize=cache_size)(self._top_and_smallest)
        # The readings of a word's pieces are looked up many times per word: plain dicts,
        # emptied when full, since an LRU cache's entries are objects the garbage collector
        # walks, and half a million of them cost more to walk than to recompute.
        self.link_share = _Memo(self._link_share, cache_size)
        self.head_reading = _Memo(self._head_reading, 4 * cache_size)
        self.modifier_readings = _Memo(self._modifier_readings, 4 * cache_size)

    def split(self, word: str) -> tuple[str, ...]:
        """The smallest parts of a compound as written, or () for a word that is not one."""
        return tuple(word[part.start : part.end] for part in self.smallest_parts(word))

    def top_parts(self, word: str) -> tuple[Part, ...]:
        """The parts of the best split of a compound, each maybe a compound itself, or ()."""
        return self._splits_of(word)[0]

    def smallest_parts(self, word: str) -> tuple[Part, ...]:
        """The smallest parts of a compound: each part of the best split, split again while it
        is a compound itself; () for a word that is not a compound."""
        return self._splits_of(word)[1]

    def frequency(self, word: str) -> float:
        """The Zipf frequency of a word as a compound part; 0 if it cannot be one."""
        return self._parts.get(word, 0.0)

    def _part_zipf(self, entry: tuple[str, float]) -> tuple[str, float]:
        word, frequency = entry
        if word in self.excluded:
            return word, 0.0
        if len(word) < MIN_PART_LENGTH:
            frequency = frequency - SHORT_PART_COST if word in self.short else 0.0
        return word, (frequency if frequency >= MIN_PART_ZIPF else 0.0)

    def decision(self, word: str, explain: bool = True) -> Decision:
        """The split of `word` with the rule that decided; with `explain`, every split
        considered is judged (else only the best)."""
        zipf = self.lexicon.get(word, 0.0)
        if len(word) < 2 * MIN_SHORT_LENGTH or not word.isalpha():
            return Decision(word, zipf, (), "te kort of geen woord van letters alleen")
        if word in whole_words():
            return Decision(word, zipf, (), "een woord met een eigen betekenis (whole_words.txt)")
        base = self._base(word)
        if base:
            return self._as_base(word, base, explain)
        prefixed = self._prefixed(word)
        if prefixed:
            return Decision(word, zipf, prefixed, "een voorvoegsel voor een woord")
        heads = self._heads(word)
        for count in range(2, MAX_PARTS + 1):
            splits = list(self._splits(word, heads, count))
            if not splits:
                continue
            ranked = self._ranked(splits, everyone=explain)
            judged = [
                Candidate(c.parts, c.score, self._objection(word, zipf, c.parts)) for c in ranked
            ]
            best = judged[0]
            if best.rejected:
                return Decision(word, zipf, (), best.rejected, tuple(judged))
            reason = (
                "niet in het lexicon; de splitsing met de meest frequente delen"
                if not zipf
                else "de delen samen frequenter dan het woord"
            )
            return Decision(word, zipf, best.parts, reason, tuple(judged))
        return Decision(word, zipf, (), "geen splitsing in woorden van het lexicon")

    def _prefixed(self, word: str) -> tuple[Part, ...]:
        """A prefix of `prefixoids` and the word it makes a kind of ("pleeg" + "ouders",
        "mede" + "gevangenen"), or (): not for a derivation of a separable verb
        ("medewerking", of "medewerken")."""
        for prefix in prefixoids():
            length = len(prefix)
            if not word.startswith(prefix) or len(word) - length < MIN_PART_LENGTH:
                continue
            rest = word[length:]
            head = self.head_reading(rest)
            if (head or self.top_parts(rest)) and not self._particle_verb(word, prefix):
                rule, zipf = head or (WORD, 0.0)
                return (
                    Part(0, length, prefix, "", PREFIX, 0.0),
                    Part(length, len(word), rest, "", rule, zipf),
                )
        return ()

    def _ranked(self, splits: list[tuple[Part, ...]], everyone: bool) -> list[Candidate]:
        """The splits best first (with `everyone`; else the best only): by the mean Zipf
        frequency of their parts; where one of the `COMPETING` best reads a linking "-s-",
        those are ranked again with each modifier's linking weighed (`link_weight`)."""
        if len(splits) == 1:
            return [Candidate(splits[0], _mean_zipf(splits[0]))]
        ranked = sorted(splits, key=_mean_zipf, reverse=True)
        top = ranked[:COMPETING]
        if any(part.rule == LINK_S for parts in top for part in parts):
            weighed = sorted(
                (Candidate(parts, _mean_zipf(parts) + self.link_weight(parts)) for parts in top),
                key=lambda candidate: -candidate.score,
            )
        else:
            weighed = [Candidate(parts, _mean_zipf(parts)) for parts in top]
        if not everyone:
            return weighed[:1]
        return weighed + [Candidate(parts, _mean_zipf(parts)) for parts in ranked[COMPETING:]]

    def link_weight(self, parts: tuple[Part, ...]) -> float:
        """The log10 of the share of the lexicon's compounds of each modifier read as a word
        that are linked as it is here, with "-s-" or without (`link_share`), added up."""
        weight = 0.0
        for part in parts[:-1]:
            if part.rule in (WORD, LINK_S):
                linked, bare = self.link_share(part.lemma)
                weight += math.log10(linked if part.rule == LINK_S else bare)
        return weight

    def _singulars(self, piece: str) -> list[str]:
        """The singulars of `piece` as a plural (`_singulars`), but for a plural in "-s" of
        a noun whose plural in "-en" the lexicon knows ("streeks" is no plural of "streek":
        "streken" is)."""
        return [
            singular
            for singular in _singulars(piece)
            if not (piece[-1] == "s" and self._en_plural(singular))
        ]

    def _en_plural(self, noun: str) -> bool:
        """Whether the lexicon knows a plural in "-en" of `noun`."""
        if len(noun) < 3:
            return False
        plurals = [noun + "en", _open_syllable(noun) + "en"]
        if noun[-1] not in _VOWELS and noun[-2] in _VOWELS and noun[-3] not in _VOWELS:
            plurals.append(noun + noun[-1] + "en")
        return any(plural in self.lexicon for plural in plurals)

    def _base(self, word: str) -> str:
        """The word of the lexicon that `word` is the plural of ("centrales" -> "centrale") or
        is derived from by a productive ending ("plaatsing" -> "plaatsen"), or ""."""
        if not word.endswith(_BASE_ENDINGS):
            return ""
        learned = [word[: -len(end)] + noun for end, noun in LEARNED_BASES if word.endswith(end)]
        for base in (*self._singulars(word), *_derivation_bases(word), *learned):
            if len(base) > MIN_PART_LENGTH and base in self.lexicon:
                return base
        return ""

    def _as_base(self, word: str, base: str, explain: bool) -> Decision:
        """A plural or a derivation splits as its base does: "lidstaten" as "lid" + "staat",
        "centrales" not as "centra" + "les" since "centrale" is no compound, "plaatsing" not
        as "plaat" + "sing"."""
        decided = self.decision(base, explain)
        reason = f"vorm van '{base}': {decided.reason}"
        if not decided.parts:
            return Decision(word, decided.zipf, (), reason, decided.candidates)
        *modifiers, head = decided.parts
        rule = PLURAL if base in self._singulars(word) else DERIVATION
        formed = Part(head.start, len(word), word[head.start :], "", rule, head.zipf)
        return Decision(word, decided.zipf, (*modifiers, formed), reason, decided.candidates)

    def _top_and_smallest(self, word: str) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
        """The parts of the best split of `word`, and its smallest parts (one cache for both:
        each entry of an LRU cache is an object the garbage collector walks)."""
        top = self.decision(word, explain=False).parts
        parts: list[Part] = []
        for part in top:
            inner = self.smallest_parts(word[part.start : part.end])
            if inner:
                parts += [p.shifted(part.start) for p in inner[:-1]]
                last = inner[-1].shifted(part.start)
                # The last inner part carries the outer part's linking element; a modifier's
                # lemma ("kinder" -> "kind") stays that of its own last part.
                parts.append(
                    Part(last.start, last.end, last.lemma, part.link, last.rule, last.zipf)
                )
            else:
                parts.append(part)
        return top, tuple(parts)

    def _objection(self, word: str, zipf: float, parts: tuple[Part, ...]) -> str:
        """Why `parts` is no split of `word` ("" if it is one)."""
        first = parts[0]
        if first.rule == WORD and self._superlative(first.lemma):
            return f"'{first.lemma}' is een overtreffende trap"
        if (
            first.rule == WORD
            and first.lemma in particles()
            and self._particle_verb(word, first.lemma)
        ):
            return f"afleiding van een scheidbaar werkwoord met '{first.lemma}'"
        meaning = learned_prefixes().get(word[first.start : first.end])
        if meaning and self._learned_prefix(word, parts, meaning):
            return f"'{first.lemma}-' is hier een geleerd voorvoegsel ('{meaning}')"
        if zipf and self._learned_word(word, parts[-1]):
            return "een leenwoord met geleerde afleidingen in het lexicon"
        if parts[-1].zipf < MIN_VERB_ZIPF and _cuts_learned_ending(word, parts[-1]):
            return "de splitsing snijdt in de stam voor een geleerde uitgang"
        prefix = self._deriving_prefix(word)
        if prefix:
            return f"afleiding met '{prefix}-' van een woord van het lexicon"
        if not zipf:
            return ""
        frequencies = [part.zipf for part in parts]
        mean = sum(frequencies) / len(frequencies)
        if mean < zipf + MEAN_MARGIN or min(frequencies) < zipf - MIN_SLACK:
            return (
                f"het woord is te frequent voor zijn delen (gemiddeld {mean:.2f}, "
                f"laagste {min(frequencies):.2f}, woord {zipf:.2f})"
            )
        return ""

    def _superlative(self, modifier: str) -> bool:
        """Whether a modifier is an adjective's superlative ("laatst-leden": "laat", "later")."""
        base = modifier[:-2]
        return (
            modifier.endswith("st")
            and len(base) >= MIN_SHORT_LENGTH
            and base in self.lexicon
            and _open_syllable(base) + "er" in self.lexicon
        )

    def _deriving_prefix(self, word: str) -> str:
        """The prefix of a derivation `word` is (`DERIVING_PREFIXES`), or ""."""
        for prefix in DERIVING_PREFIXES:
            if word.startswith(prefix) and self.frequency(word[len(prefix) :]) >= MIN_VERB_ZIPF:
                return prefix
        return ""

    def _particle_verb(self, word: str, particle: str) -> bool:
        """Whether `word`, which starts with `particle`, is a separable verb, a form of one
        or a noun made of one: "overeenstemmen", "vastgelegd" (a participle), "samenwerk"
        (a stem less frequent than its infinitive, unlike the noun "buitenland"),
        "samenwerking", "terugbetaling"."""
        rest = word[len(particle) :]
        if (
            rest.startswith("ge")
            and rest.endswith(PARTICIPLE_ENDINGS)
            and word in self.lexicon
            and not any(noun in self.lexicon for noun in _singulars(rest))
        ):
            return True
        verbs = [word]
        if self.lexicon.get(word + "en", 0.0) > self.lexicon.get(word, 0.0):
            verbs.append(word + "en")
        for ending, replaced in PARTICLE_VERB_NOUNS:
            if word.endswith(ending):
                verbs.append(word[: -len(ending)] + replaced)
        return any(verb.endswith("en") and verb in self.lexicon for verb in verbs)

    def _learned_prefix(self, word: str, parts: tuple[Part, ...], meaning: str) -> bool:
        rest = word[parts[0].end + len(parts[0].link) :]
        return rest.endswith(LEARNED_ADJECTIVE_ENDINGS) or meaning + rest in self.lexicon

    def _learned_word(self, word: str, head: Part) -> bool:
        """Whether `word` has learned derivations in the lexicon that its head has not
        ("automaat": "automatisch", but no "matisch")."""
        stem, head_stem = _learned_stem(word), _learned_stem(word[head.start :])
        return any(stem + ending in self.lexicon for ending in LEARNED_DERIVATIONS) and not any(
            head_stem + ending in self.lexicon for ending in LEARNED_DERIVATIONS
        )

    def _splits(
        self, word: str, heads: list[tuple[int, tuple[str, float]]], count: int
    ) -> Iterator[tuple[Part, ...]]:
        """Every split of `word` into exactly `count` parts: a head where one can start
        (`heads`), and modifiers before it."""
        for start, (rule, zipf) in heads:
            runs = list(self._modifier_runs(word, 0, start, count - 1))
            if runs:
                head = Part(start, len(word), word[start:], "", rule, zipf)
                for modifiers in runs:
                    yield (*modifiers, head)

    def _heads(self, word: str) -> list[tuple[int, tuple[str, float]]]:
        """Where a head can start in `word`, with its reading."""
        heads = []
        parts = self._parts
        for start in range(MIN_SHORT_LENGTH, len(word) - MIN_SHORT_LENGTH + 1):
            piece = word[start:]
            if piece.endswith(_HEAD_ENDINGS) or piece[:2] in _PARTICLE_STARTS:
                reading = self.head_reading(piece)
            else:
                # Only as written can this piece be a head: no cache needed.
                zipf = parts.get(piece)
                reading = (WORD, zipf) if zipf else None
            if reading:
                heads.append((start, reading))
        return heads

    def _modifier_runs(
        self, word: str, start: int, end: int, count: int
    ) -> Iterator[tuple[Part, ...]]:
        """Every way of reading `word[start:end]` as `count` modifiers in a row."""
        if count == 1:
            for lemma_, link, rule, zipf in self.modifier_readings(word[start:end]):
                yield (Part(start, end - len(link), lemma_, link, rule, zipf),)
            return
        for middle in range(start + MIN_SHORT_LENGTH, end - MIN_SHORT_LENGTH * (count - 1) + 1):
            readings = self.modifier_readings(word[start:middle])
            if not readings:
                continue
            rests = list(self._modifier_runs(word, middle, end, count - 1))
            for lemma_, link, rule, zipf in readings:
                part = Part(start, middle - len(link), lemma_, link, rule, zipf)
                for rest in rests:
                    yield (part, *rest)

    def _head_reading(self, piece: str) -> tuple[str, float] | None:
        """How a head is read (the rule and its frequency): as written, in the singular, or
        derived from a word of the lexicon; None if it is no word."""
        rule, best = WORD, self.frequency(piece)
        for singular in self._singulars(piece):
            zipf = self.frequency(singular)
            if zipf > best:
                rule, best = PLURAL, zipf
        for base in _derivation_bases(piece):
            zipf = self.frequency(base) - DERIVATION_COST
            if zipf > best and zipf >= MIN_PART_ZIPF and len(base) > MIN_PART_LENGTH:
                rule, best = DERIVATION, zipf
        if not best and piece[:2] in _PARTICLE_STARTS:
            for length in range(2, min(len(piece) - MIN_PART_LENGTH, 5) + 1):
                if piece[:length] in NOUN_PARTICLES:
                    zipf = self.frequency(piece[length:]) - PARTICLE_COST
                    if zipf >= MIN_PART_ZIPF:
                        return PARTICLE, zipf
        return (rule, best) if best else None

    def _modifier_readings(self, piece: str) -> tuple[tuple[str, str, str, float], ...]:
        """The readings of `piece` as a modifier (see the module docstring): (the word it
        stands for, its linking element, the rule, the word's frequency)."""
        readings = []
        zipf = self.frequency(piece)
        if zipf:
            readings.append((piece, "", WORD, zipf))
        for linked, link, rule in _linked_readings(piece, self.lexicon):
            zipf = self.frequency(linked)
            if zipf:
                readings.append((linked, link, rule, zipf))
        if piece.endswith("en") and piece in self.lexicon:
            singular = lemma(piece)
            zipf = self.frequency(singular) if singular != piece else 0.0
            if zipf:
                readings.append((singular, "", PLURAL_FORM, zipf))
        old = linking_forms().get(piece)
        if old:
            readings.append((old, "", OLD_FORM, self.frequency(old)))
        if not readings:
            verb = self._verb(piece)
            if verb:
                readings.append((verb, "", VERB_STEM, self._verb_zipf(verb)))
        return tuple(readings)

    def _verb(self, stem: str) -> str:
        """The infinitive a verb's stem stands for in a compound ("omzend" -> "omzenden",
        "spaar" -> "sparen", "opzeg" -> "opzeggen"), or "": the infinitive is its own
        dictionary form (no noun's plural: "gek" is no stem of "gekken"), and no stem ends in
        "v" or "z" ("verv" is none of "verven", whose stem is "verf")."""
        if len(stem) < MIN_PART_LENGTH or stem in self.excluded or stem[-1] in "vz":
            return ""
        for infinitive in _infinitives(stem):
            if self._is_verb(infinitive):
                return infinitive
        for length in range(2, len(stem) - 2):
            if stem[:length] in VERB_PARTICLES:
                for infinitive in _infinitives(stem[length:]):
                    if self._is_verb(infinitive):
                        return stem[:length] + infinitive
        return ""

    def _is_verb(self, infinitive: str) -> bool:
        return (
            self.lexicon.get(infinitive, 0.0) >= MIN_VERB_ZIPF and lemma(infinitive) == infinitive
        )

    def _verb_zipf(self, verb: str) -> float:
        """The frequency of a verb, or of the verb a separable one is made of ("omzenden")."""
        if verb in self.lexicon:
            return self.lexicon[verb]
        return max(
            self.lexicon.get(verb[len(p) :], 0.0) for p in VERB_PARTICLES if verb.startswith(p)
        )

    def _link_share(self, modifier: str) -> tuple[float, float]:
        """How often the lexicon's compounds of `modifier` take a linking "-s-", and how often
        none: the shares of its words that are `modifier` + "s" + a word, and `modifier` + a
        word, smoothed (+0.5 each)."""
        if self._sorted is None:
            self._sorted = sorted(self.lexicon)
        words = self._sorted
        linked = bare = 0
        index = bisect.bisect_left(words, modifier)
        while index < len(words) and words[index].startswith(modifier):
            rest = words[index][len(modifier) :]
            if rest[:1] == "s" and self.frequency(rest[1:]) and len(rest) > MIN_PART_LENGTH:
                linked += 1
            elif len(rest) >= MIN_PART_LENGTH and self.frequency(rest):
                bare += 1
            index += 1
        total = linked + bare + 1
        return (linked + 0.5) / total, (bare + 0.5) / total


class _Memo:
    """A function's results by argument, forgotten all at once when `size` are kept."""

    def __init__(self, function, size: int) -> None:
        self.function = function
        self.size = size
        self.results: dict = {}

    def __call__(self, argument):
        results = self.results
        try:
            return results[argument]
        except KeyError:
            if len(results) >= self.size:
                results.clear()
            result = results[argument] = self.function(argument)
            return result


def _mean_zipf(parts: tuple[Part, ...]) -> float:
    return sum([part.zipf for part in parts]) / len(parts)


def _linked_readings(piece: str, lexicon: dict[str, float]) -> list[tuple[str, str, str]]:
    """(word, linking element, rule) of each reading of `piece` as a word with a linking
    element."""
    last = piece[-1]
    if last == "s" and len(piece) > 3:
        return [(piece[:-1], "s", LINK_S)]
    if last != "n" and last != "r":
        return []
    if piece.endswith("en") and len(piece) > 4:
        base = piece[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
            base = base[:-1]
        return [(base, "en", LINK_EN)]
    plural = piece[:-2] + "eren"
    if piece.endswith("er") and plural in lexicon and lemma(plural) == piece[:-2]:
        return [(piece[:-2], "er", LINK_ER)]
    return []


def _singulars(piece: str) -> list[str]:
    """The singulars a plural head may have: "kantines" -> "kantine", "boeken" -> "boek",
    "katten" -> "kat", "kantoren" -> "kantoor"."""
    forms = []
    if piece.endswith("s"):
        forms.append(piece[:-1])
    if piece.endswith("en"):
        base = piece[:-2]
        forms.append(base)
        forms.append(piece[:-1])  # after a schwa: "gevangenen" -> "gevangene"
        if len(base) > 2 and base[-1] not in _VOWELS and base[-2] in _VOWELS:
            if base[-1] == base[-2]:
                forms.append(base[:-1])
            elif base[-3] not in _VOWELS:
                forms.append(base[:-1] + base[-2:])  # an open syllable's long vowel
    return forms


def _derivation_bases(piece: str) -> list[str]:
    """The words `piece` may be derived from by a productive ending (`DERIVATIONS`)."""
    if not piece.endswith(_DERIVATION_ENDINGS):
        return []
    return [
        piece[: -len(ending)] + replaced
        for ending, replaced in DERIVATIONS
        if piece.endswith(ending)
    ]


def _infinitives(stem: str) -> Iterator[str]:
    """The infinitive whose stem is written `stem` in Dutch spelling: "zend" -> "zenden",
    "zeg" -> "zeggen", "spaar" -> "sparen", "schrijf" -> "schrijven", "reis" -> "reizen"."""
    last = stem[-1]
    if last in _VOWELS or len(stem) < 3:
        return
    body = stem[:-1] + {"f": "v", "s": "z"}.get(last, last)
    if stem[-2] not in _VOWELS:
        yield stem + "en"  # a closed syllable stays closed: zend -> zenden
    elif stem[-3] == stem[-2]:
        yield _open_syllable(body) + "en"  # a long vowel is written single: spaar -> sparen
    elif stem[-3] in _VOWELS:
        yield body + "en"  # a diphthong: schrijf -> schrijven, zoek -> zoeken
    else:
        yield stem + last + "en"  # a short vowel keeps its syllable closed: zeg -> zeggen


def _open_syllable(word: str) -> str:
    """A word with the long vowel of its last syllable written single, as before an ending
    ("laat" -> "lat" in "later", "spaar" -> "spar" in "sparen")."""
    if len(word) > 3 and word[-2] == word[-3] and word[-2] in _VOWELS:
        return word[:-3] + word[-2:]
    return word


def _cuts_learned_ending(word: str, head: Part) -> bool:
    """Whether the head of a split is little more than the learned ending of the whole
    ("paren-tale", "char-tale": "-ale" of the adjectives "parentaal", "chartaal"); asked of
    rare heads only ("opzeg-brief")."""
    head_text = word[head.start :]
    return any(
        head_text.endswith(ending) and len(head_text) - len(ending) < MIN_SHORT_LENGTH
        for ending in LEARNED_ENDINGS
    )


def _learned_stem(word: str) -> str:
    """A noun's stem before a learned ending: a long vowel of the last syllable written single
    ("automaat" -> "automat"), a plural dropped ("automaten" -> "automat")."""
    if word.endswith("en") and len(word) > 5:
        return word[:-2]
    return _open_syllable(word)


def diminutive_base(word: str, lexicon: dict[str, float]) -> str:
    """The noun a diminutive is made of ("kaartjes" -> "kaart", "balletje" -> "bal", "pakje"
    -> "pak"), or "": the diminutive is known to the lexicon less often than its base (a
    lexicalised one, "beetje", "meisje", is a word of its own) and its singular is a word of the
    lexicon ("netjes" is an adverb: no "netje")."""
    singular = word[:-1] if word.endswith("jes") else word
    if not singular.endswith("je") or singular not in lexicon:
        return ""
    for ending in DIMINUTIVE_ENDINGS:
        if not singular.endswith(ending):
            continue
        base = singular[: -len(ending)]
        if ending == "etje" and len(base) > 2 and base[-1] == base[-2]:
            base = base[:-1]
        if (
            len(base) >= 3
            and _takes_diminutive(base, ending)
            and lexicon.get(base, 0.0) > lexicon[singular]
        ):
            return base
    return ""


def _takes_diminutive(base: str, ending: str) -> bool:
    """Whether Dutch spelling makes `base` + `ending` its diminutive: "-etje" after a short
    vowel and l, m, n, r or ng ("bal-letje", "ring-etje"), "-pje" after a long vowel and m
    ("boom-pje"), "-tje" after a vowel or after l, n, r, w ("auto-tje", "stoel-tje"), "-je"
    after other consonants ("kaart-je", "pak-je")."""
    last = base[-1]
    if ending == "etje":
        return base.endswith("ng") or (last in "lmnr" and base[-2] in _VOWELS)
    if ending == "pje":
        return last == "m" and base[-2] in _VOWELS
    if ending == "kje":
        return base.endswith("ing")
    if ending == "tje":
        return last in _VOWELS or last in "lnrw"
    return last not in _VOWELS and last not in "lnrw" and not (last == "m" and base[-2] in _VOWELS)


@functools.cache
def dutch_splitter(stopwords: frozenset[str]) -> CompoundSplitter:
    """The splitter on wordfreq's Dutch lexicon, shared by every analyzer in the process."""
    return CompoundSplitter(dutch_lexicon(), stopwords | bound_morphemes(), short_parts())
