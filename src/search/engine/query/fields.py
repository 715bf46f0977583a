"""Which fields a clause searches, with which boosts: the `in` scope and `titel:`, `vraag:`,
`antwoord:`.

A word, phrase or pattern is searched in each field of the search's scope (`SCOPE_FIELDS`, the
`in` parameter), each field's score times its boost (the parser gives each field's clause its
boost), and the fields' scores added: `InFields`, one clause. A field name before a word
(`titel:Cultuurloket`, or its English name) searches that field alone, with the same boost.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.engine.query.combine import Sum
from search.index.schema import TEXT_FIELDS

# Answers are long and wander from the question; a Chamber question starts with its title.
FIELD_BOOSTS = {"title": 1.0, "question": 1.0, "answer": 0.7}
# The Dutch names a user may write before a colon.
FIELD_ALIASES = {"title": ["titel"], "question": ["vraag"], "answer": ["antwoord"]}
# The fields a query's words are ranked over, for each value of the `in` parameter.
SCOPE_FIELDS = {"alles": TEXT_FIELDS, "vraag": ("title", "question"), "antwoord": ("answer",)}


@dataclass(frozen=True)
class InFields(Sum):
    """One word, phrase or pattern in each field it is searched in, its fields' scores added
    (as Whoosh adds them: `combine.Sum`)."""
