"""Turn what a user typed into a Whoosh query over the chunk index.

The syntax is Whoosh's, with Dutch additions: words are ranked over title, question and answer
(stemmed); `"exact phrase"` and `prefix*` match the unstemmed words; AND/OR/NOT and EN/OF/NIET
(capitals), `-word` to exclude, parentheses, `titel:`, `vraag:`, `antwoord:` field queries.

The parsed query keeps what the user wrote apart in its classes, because a document must hold
every word (`search.engine.plan` reads the tree): `QueryWords` is the query's words side by side
(each must match), `AnyOf` an explicit OR, and `FieldVariants` one word, phrase or pattern
searched in each field it ranks over (its fields' scores added, as one clause).
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.qparser import (
    FieldAliasPlugin,
    FieldsPlugin,
    GroupPlugin,
    MultifieldParser,
    MultifieldPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    PlusMinusPlugin,
    PrefixPlugin,
    WildcardPlugin,
    syntax,
)
from whoosh.qparser.plugins import Plugin

from search.index.schema import TEXT_FIELDS, exact_field

MAX_QUERY_LENGTH = 500
# A prefix or wildcard must start with this many letters, or it expands to most of the vocabulary.
MIN_WILDCARD_PREFIX = 2
# Answers are long and wander from the question; a Chamber question starts with its title.
FIELD_BOOSTS = {"title": 1.0, "question": 1.0, "answer": 0.7}
FIELD_ALIASES = {"title": ["titel"], "question": ["vraag"], "answer": ["antwoord"]}


_EXACT_NODES = (PhrasePlugin.PhraseNode, WildcardPlugin.WildcardNode, PrefixPlugin.PrefixNode)


class QueryWords(wq.Or):
    """Words written side by side (or joined by AND/EN): a document must hold each of them.

    An Or to Whoosh, so that a chunk matches with any of them (a document holds its words in
    different chunks); a class of its own, so that normalizing keeps each word's clauses (its
    fields, its forms) together instead of merging them into one flat OR.
    """


class AnyOf(wq.Or):
    """Clauses joined by OR/OF: a document must hold at least one of them."""


class FieldVariants(wq.Or):
    """One word, phrase or pattern in each field it is searched in, its fields' scores added."""


class WordsGroup(syntax.OrGroup):
    """The query's top level and every bracketed group: its words, each kept whole."""

    qclass = QueryWords


class AnyOfGroup(syntax.OrGroup):
    """Clauses joined by OR/OF."""

    qclass = AnyOf


class FieldVariantsGroup(syntax.OrGroup):
    """A word's copies, one per field, made by the multifield plugin."""

    qclass = FieldVariants


class PlusMinusWordsPlugin(PlusMinusPlugin):
    """`+word` and `-word`, keeping the remaining words a `WordsGroup` (Whoosh's own plugin
    regroups them into a plain OR)."""

    def do_plusminus(self, parser, group):
        return _keep_words(super().do_plusminus(parser, group))


def _keep_words(node):
    if type(node) is syntax.OrGroup:
        # What `do_plusminus` regroups: the words left beside a `+word` or `-word`.
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
    parser.remove_plugin_class(MultifieldPlugin)
    parser.add_plugins(
        [
            MultifieldPlugin(
                list(fields),
                fieldboosts={name: FIELD_BOOSTS[name] for name in fields},
                group=FieldVariantsGroup,
            ),
            FieldsPlugin(),
            FieldAliasPlugin(FIELD_ALIASES),
            SearchableFieldsPlugin(),
            WildcardPlugin(),
            PhrasePlugin(),
            GroupPlugin(),
            OperatorsPlugin(
                ops=[(OperatorsPlugin.OpTagger(r"(?<=\s)(OR|OF)(?=\s)", AnyOfGroup, memo="or"), 0)],
                And=r"(?<=\s)(AND|EN)(?=\s)",
                Or=None,
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
