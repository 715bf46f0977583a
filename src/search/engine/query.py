"""Turn what a user typed into a Whoosh query over the chunk index.

The syntax is Whoosh's, with Dutch additions: words are ranked over title, question and answer
(stemmed); `"exact phrase"` and `prefix*` match the unstemmed words; AND/OR/NOT and EN/OF/NIET
(capitals), `-word` to exclude, parentheses, `titel:`, `vraag:`, `antwoord:` field queries.
"""

from __future__ import annotations

import copy

from whoosh import query as wq
from whoosh.qparser import (
    FieldAliasPlugin,
    FieldsPlugin,
    GroupPlugin,
    MultifieldParser,
    OperatorsPlugin,
    PhrasePlugin,
    PlusMinusPlugin,
    PrefixPlugin,
    WildcardPlugin,
    syntax,
)
from whoosh.qparser.plugins import Plugin

from search.engine.ranking import QueryWords
from search.index.schema import TEXT_FIELDS, exact_field

MAX_QUERY_LENGTH = 500
# A prefix or wildcard must start with this many letters, or it expands to most of the vocabulary.
MIN_WILDCARD_PREFIX = 2
# Answers are long and wander from the question; a Chamber question starts with its title.
FIELD_BOOSTS = {"title": 1.0, "question": 1.0, "answer": 0.7}
FIELD_ALIASES = {"title": ["titel"], "question": ["vraag"], "answer": ["antwoord"]}


_EXACT_NODES = (PhrasePlugin.PhraseNode, WildcardPlugin.WildcardNode, PrefixPlugin.PrefixNode)


class WordsGroup(syntax.OrGroup):
    """The query's top level: its words OR-ed, each kept whole for the ranking."""

    qclass = QueryWords


class PlusMinusWordsPlugin(PlusMinusPlugin):
    """`+word` and `-word`, keeping the remaining words a `WordsGroup` (Whoosh's own plugin
    regroups them into a plain OR)."""

    def do_plusminus(self, parser, group):
        return _keep_words(super().do_plusminus(parser, group))


def _keep_words(node):
    if type(node) is syntax.OrGroup:
        return WordsGroup(node.nodes)
    if isinstance(node, syntax.AndNotGroup):
        node.nodes[0] = _keep_words(node.nodes[0])
    elif isinstance(node, syntax.AndMaybeGroup):
        node.nodes[1] = _keep_words(node.nodes[1])
    return node


class QueryError(ValueError):
    """The query cannot be run; the message says why, in Dutch, for the user."""


class ExactFieldsPlugin(Plugin):
    """Send phrases and wildcards to the unstemmed twin of each text field."""

    def filters(self, parser):
        # After MultifieldPlugin (110) has given every node its field.
        return [(self.to_exact_fields, 120)]

    def to_exact_fields(self, parser, group):
        for node in _leaf_nodes(group):
            if isinstance(node, _EXACT_NODES) and node.fieldname in TEXT_FIELDS:
                node.set_fieldname(exact_field(node.fieldname), override=True)
        return group


class SearchableFieldsPlugin(Plugin):
    """Read `name:` as a field only for the fields a user may search (`titel:`, `vraag:`,
    `antwoord:`, or their English names); any other name of the schema (`member:`,
    `theme_words:`, `doc_id:`, ...) stays text, as an unknown name does. Those fields hold
    stored values, keys or words without positions, on which Whoosh's own queries fail."""

    def filters(self, parser):
        # After FieldAliasPlugin (90) has turned Dutch names into field names, before
        # FieldsPlugin (100) applies them and turns names it does not know back into text.
        return [(self.keep_searchable, 95)]

    def keep_searchable(self, parser, group):
        for node in _leaf_nodes(group):
            if isinstance(node, syntax.FieldnameNode) and node.fieldname not in TEXT_FIELDS:
                node.fieldname = ""
        return group


def _leaf_nodes(group):
    """The nodes of a parsed group and of the groups in it, the groups left out."""
    for node in group:
        if isinstance(node, syntax.GroupNode):
            yield from _leaf_nodes(node)
        else:
            yield node


def make_parser(schema, fields: tuple[str, ...] = TEXT_FIELDS) -> MultifieldParser:
    """The query parser for a Parlsearch schema, ranking words over `fields` (default: all)."""
    parser = MultifieldParser(
        list(fields),
        schema,
        fieldboosts={name: FIELD_BOOSTS[name] for name in fields},
        group=WordsGroup,
        plugins=[],
    )
    parser.remove_plugin_class(FieldsPlugin)
    parser.add_plugins(
        [
            FieldsPlugin(),
            FieldAliasPlugin(FIELD_ALIASES),
            SearchableFieldsPlugin(),
            WildcardPlugin(),
            PhrasePlugin(),
            GroupPlugin(),
            OperatorsPlugin(
                And=r"(?<=\s)(AND|EN)(?=\s)",
                Or=r"(?<=\s)(OR|OF)(?=\s)",
                AndNot=r"(?<=\s)(ANDNOT|ENNIET)(?=\s)",
                AndMaybe=None,
                Not=r"(^|(?<=(\s|[()])))(NOT|NIET)(?=\s)",
                Require=None,
            ),
            PlusMinusWordsPlugin(
                plusexpr=r"(?<![^\s(])\+(?=[\w\"(])", minusexpr=r"(?<![^\s(])-(?=[\w\"(])"
            ),
            ExactFieldsPlugin(),
        ]
    )
    return parser


def parse_query(text: str, parser: MultifieldParser) -> wq.Query:
    """Parse user input; raises `QueryError` for input that cannot be searched."""
    text = text.replace("\x00", " ").strip()
    check_query_length(text)
    parsed = parser.parse(text)
    for leaf in parsed.leaves():
        too_wide = isinstance(leaf, wq.Every) or (
            isinstance(leaf, wq.Wildcard | wq.Prefix)
            and _literal_prefix(leaf.text) < MIN_WILDCARD_PREFIX
        )
        if too_wide:
            raise QueryError(
                f"Een zoekterm met * of ? moet met minstens {MIN_WILDCARD_PREFIX} letters beginnen."
            )
    return parsed


def check_query_length(text: str) -> None:
    """Refuse a query longer than `MAX_QUERY_LENGTH` characters."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"De zoekvraag is te lang (meer dan {MAX_QUERY_LENGTH} tekens).")


def _literal_prefix(pattern: str) -> int:
    for index, char in enumerate(pattern):
        if char in "*?[":
            return index
    return len(pattern)


def split_negations(parsed: wq.Query) -> tuple[wq.Query, wq.Query]:
    """Split the top level's NOT and `-word` clauses off: (what must match, what excludes).

    Chunks are indexed but documents are returned: a document is excluded when any of its
    chunks matches an excluded clause, so the caller applies the exclusion per document. With
    nothing positive left ("NIET trein"), every document matches.
    """
    if isinstance(parsed, wq.AndNot):
        positive, negatives = parsed.a, [parsed.b]
    elif isinstance(parsed, wq.Not):
        positive, negatives = wq.NullQuery, [parsed.query]
    elif isinstance(parsed, wq.And | wq.Or):
        negatives = [sub.query for sub in parsed.subqueries if isinstance(sub, wq.Not)]
        positive = copy.copy(parsed)
        positive.subqueries = [sub for sub in parsed.subqueries if not isinstance(sub, wq.Not)]
    else:
        negatives = []
    if not negatives:
        return parsed, wq.NullQuery
    positive = positive.normalize()
    return (wq.Every() if positive is wq.NullQuery else positive), wq.Or(negatives).normalize()
