""" "Bedoelde u …?": a corrected query when a word is not a word, and the known values closest to
a filter value that selects nothing.

A word is judged by its exact form: a misspelling may still find documents through its stem
("wederbeleggingsvergoedig" shares the stem of "wederbeleggingsvergoeding"), yet the user meant
another word. A word is left alone when it is a word: one the index's texts hold often enough
(`RARE_BELOW`), one of the Dutch lexicon (`search.text.compounds.dutch_lexicon`: "luiers",
"uitroeien", "opgeblazen" are words even where the texts hold them rarely or never), or a word
of the name of a member or minister of the index ("Franky Demon"). For another, candidates come
from the index's own vocabulary (the unstemmed words of title, question and answer), within two
edits of the typed word and starting with its first letter, found through the generation's
deletion index (`search.index.arrays.vocabulary`) in time that does not grow with the
vocabulary; the closest, then the most frequent, wins. The corrected query keeps the filters
written in it, and is offered only when it finds at least as many documents as the query typed:
it is searched for its count within the search's time budget, and without the time
to count it nothing is offered. A query that refers to a document as a whole (its id, number or
citation: `search.engine.query.reference`) is not corrected.

A member, party, minister or theme value whose mask selects no document at all
(`search.engine.filters.FilterMasks`) gets the values the index knows that are closest to it
(`closest_values`: "Bedoelde u partij VB?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from whoosh.support.levenshtein import damerau_levenshtein

from search.engine.filters import closest_values
from search.engine.limits import Deadline, SearchTimeout
from search.engine.matches import Matches
from search.engine.pages import FilterSuggestion
from search.engine.query import QueryError
from search.engine.query.language import JOINING, NEGATING
from search.index.arrays.vocabulary import Vocabulary
from search.text.analysis import exact_words
from search.text.compounds import dutch_lexicon

# A word is rare when fewer chunks than this hold it as typed: a word of the index's texts when
# more do.
RARE_BELOW = 3
# A rare (not unknown) word is replaced only by a word this many times as frequent.
COMMON_FACTOR = 10
# Shorter words are left alone: too many close words to choose from.
MIN_LENGTH = 5
# A query with more words than this is not corrected: each word costs lookups in the deletion
# index and an edit distance per candidate, and a correction of a long query is no help to
# anyone.
MAX_WORDS = 12

# A word of the query, unless it names a field ("titel:"), is a pattern ("trein*", "ve?koop":
# see `search.engine.query.language`) or an operator (checked apart); a question mark after it
# is punctuation ("asielaanvragn?"); digits alone are numbers, not words to correct.
_WORD = re.compile(r"(?<![\w*?~^])[^\W\d_][^\W_]*(?![\w*:]|\?[^\W\d_]{2}|\?[^\W\d_]\*)")
_OPERATORS = JOINING | NEGATING


def search_suggestion(matches: Matches, deadline: Deadline) -> str | None:
    """The search's query text corrected, with the filters written in it; None when nothing
    needs correcting, or when the correction would find fewer documents than the query typed."""
    request = matches.request
    if not request.text or matches.cited:
        return None
    generation = matches.generation
    corrected = suggest_query(
        request.text, generation.vocabulary, deadline.check, generation.names.words
    )
    if corrected is None:
        return None
    suggestion = " ".join([corrected, *request.written_filters])
    try:
        found = Matches.of(request.replace(q=suggestion, page=1), generation, deadline).total
    except (QueryError, SearchTimeout):
        return None
    return suggestion if found >= matches.total else None


def filter_suggestions(matches: Matches) -> list[FilterSuggestion]:
    """The member, party, minister and theme values (from the URL and the query) that select no
    document at all, each with the closest values the index knows."""
    columns = matches.table.columns
    return [
        FilterSuggestion(name, value, tuple(closest_values(name, value, columns[name].labels)))
        for name, value in matches.masks.selecting_nothing()
    ]


def suggest_query(
    text: str,
    vocabulary: Vocabulary,
    check: Callable[[], None] = lambda: None,
    names: Collection[str] = frozenset(),
) -> str | None:
    """The query with its words that are not words corrected (see the module docstring), or
    None when nothing needs correcting; `names` are the (folded) words of people's names.

    `check` is called before each word; it may raise to stop (a search's time budget).
    """
    words = list(_WORD.finditer(text))
    if len(words) > MAX_WORDS:
        return None
    corrected, changed, position = [], False, 0
    for match in words:
        check()
        word = match.group()
        replacement = None if word in _OPERATORS else _correction(word, vocabulary, names)
        if replacement is not None:
            corrected += [text[position : match.start()], replacement]
            position, changed = match.end(), True
    if not changed:
        return None
    return "".join([*corrected, text[position:]])


def _correction(word: str, vocabulary: Vocabulary, names: Collection[str]) -> str | None:
    forms = exact_words(word)
    if len(forms) != 1 or len(forms[0]) < MIN_LENGTH:
        return None
    form = forms[0]
    frequency = vocabulary.frequency(form)
    # The lexicon last: it is loaded on first use, which most queries never need.
    if frequency >= RARE_BELOW or form in names or form in dutch_lexicon():
        return None
    needed = 1 if frequency == 0 else frequency * COMMON_FACTOR
    scored = [
        (damerau_levenshtein(form, candidate), -vocabulary.frequency(candidate), candidate)
        for candidate in vocabulary.within(form)
    ]
    for _, minus_frequency, candidate in sorted(scored):
        if -minus_frequency >= needed:
            return candidate
    return None
