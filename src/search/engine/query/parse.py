"""Turn what a user typed into the query's clauses: Whoosh's parser, then its tree converted.

The text is first written in the query language (`language`: which characters are operators,
the rest being words and punctuation), which Whoosh's parser then reads with Dutch additions:
words are ranked over title, question and answer (stemmed); `"exact phrase"` and `prefix*`
match the unstemmed words; AND/OR/NOT and EN/OF/NIET (capitals), `-word` to exclude (in
brackets too), parentheses, `titel:`, `vraag:`, `antwoord:` field queries; `word^2` weighs a
word (or a group) more, at most `MAX_BOOST`. Exclusions alone (`-trein`, as `NIET trein`) are
every document but those. Whoosh's fuzzy `word~2` is not searched: the `~` is dropped, and
`query_notices` says so.

Whoosh's parsed tree keeps what the user wrote apart in its classes, because a document must
hold every word: `QueryWords` is the query's words side by side (each must match), `AnyOf` an
explicit OR, and `FieldVariants` one word, phrase or pattern searched in each field it ranks
over (its fields' scores added, as one clause); the schema makes each typed word's clause
(`search.index.schema.RankedText`) and marks its leaves with what was typed.

The tree is converted right away (`converted`), and Whoosh's query types go no further than this
module: its logic over documents into `boolean`'s nodes, every other node into the clause of its
kind through `_CLAUSES`, one line per Whoosh type, each keeping Whoosh's order of clauses and
boosts, so that the sums come out as Whoosh's. A typed word is kept whole (`word.Word`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh import query as wq
from whoosh.qparser import (
    BoostPlugin,
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

from search.engine.query import (
    boolean,
    check_query_length,
    combine,
    near,
    phrase,
    term,
    word,
)
from search.engine.query.clause import Clause, Node
from search.engine.query.fields import FIELD_ALIASES, FIELD_BOOSTS, InFields
from search.engine.query.language import normalised
from search.engine.query.pattern import Pattern
from search.index.schema import TEXT_FIELDS, ExactBonus, exact_field
from search.index.schema.disjunction import DisjunctionMax
from search.index.schema.near import PartsNear

_EXACT_NODES = (PhrasePlugin.PhraseNode, WildcardPlugin.WildcardNode, PrefixPlugin.PrefixNode)
# The largest weight `word^N` gives a word: more only drowns the other words.
MAX_BOOST = 10.0
# A `~` after a word (not after a phrase's quote): Whoosh's fuzzy search, which is not done.
_FUZZY = re.compile(r"(?<=[^\W_])~[0-9]*(?![^\s)])")


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
    """`+word` and `-word`, in brackets too, keeping the remaining words a `WordsGroup`
    (Whoosh's own plugin regroups them into a plain OR, and only outside brackets)."""

    def do_plusminus(self, parser, group):
        return _keep_words(super().do_plusminus(parser, self._within_brackets(parser, group)))

    def _within_brackets(self, parser, group):
        """`group` with each bracketed group in it that holds a sign regrouped likewise."""
        for index, node in enumerate(group):
            if isinstance(node, WordsGroup):
                node = self._within_brackets(parser, node)
                if any(isinstance(child, self.Plus | self.Minus) for child in node):
                    node = _keep_words(super().do_plusminus(parser, node))
                group[index] = node
        return group


class BoundedBoostPlugin(BoostPlugin):
    """`word^2`, `(fiets OF trein)^3`: a weight, at most `MAX_BOOST`."""

    def create(self, parser, match):
        node = super().create(parser, match)
        if isinstance(node, self.BoostNode):
            node.boost = min(node.boost, MAX_BOOST)
        return node


def _keep_words(node):
    if isinstance(node, syntax.AndNotGroup) and not node.nodes[0]:
        # Only exclusions ("-trein"): every document but those, as "NIET trein".
        return syntax.NotGroup([node.nodes[1]])
    if type(node) is syntax.OrGroup:
        # What `do_plusminus` regroups: the words left beside a `+word` or `-word`.
        return WordsGroup(node.nodes)
    if isinstance(node, syntax.AndNotGroup):
        node.nodes[0] = _keep_words(node.nodes[0])
    elif isinstance(node, syntax.AndMaybeGroup):
        node.nodes[1] = _keep_words(node.nodes[1])
    return node


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
            BoundedBoostPlugin(),
            ExactFieldsPlugin(),
        ]
    )
    return parser


def parse_query(text: str, parser: MultifieldParser) -> Node:
    """Parse user input into the query's clauses; raises `QueryError` for input that cannot
    be searched."""
    return converted(parsed(text, parser))


def parsed(text: str, parser: MultifieldParser) -> wq.Query:
    """Whoosh's tree of user input; raises `QueryError` for input that cannot be searched."""
    text = _FUZZY.sub("", text.replace("\x00", " ")).strip()
    check_query_length(text)
    return parser.parse(normalised(text))


def query_notices(text: str, node: Node | None) -> tuple[str, ...]:
    """What a search says of how it read the query `text` (parsed into `node`), in Dutch: a
    fuzzy `~` it dropped, and that exclusions alone list every document but those."""
    notices = []
    if _FUZZY.search(text):
        notices.append(
            "Vaag zoeken met ~ bestaat hier niet: er is gezocht op het woord zelf (dat al zijn "
            "vormen vindt); een tikfout verbetert de pagina met 'Bedoelde u …?'."
        )
    if isinstance(node, boolean.Without):
        notices.append(
            "De zoekvraag sluit alleen woorden uit: dit zijn alle documenten die ze niet "
            "bevatten, de nieuwste eerst."
        )
    return tuple(notices)


def converted(query: wq.Query) -> Node:
    """The document-level tree of a parsed query: its logic over documents above its clauses."""
    convert = _DOCUMENT_LEVEL.get(type(query))
    if convert is None:
        return clause(query)
    return convert(query)


def clause(query: wq.Query) -> Clause:
    """The clause of a parsed query matched chunk by chunk; a word as typed (its every leaf
    marked with what was typed) is kept whole."""
    typed = _typed(query)
    if typed is not None:
        return word.Word(typed, _clause_of(query, _forms))
    return _clause_of(query, clause)


def _forms(query: wq.Query) -> Clause:
    """A typed word's clause: its parts are no words of their own."""
    return _clause_of(query, _forms)


def _typed(query: wq.Query) -> str | None:
    """What was typed for a word whose every leaf is marked with it, else None."""
    typed = {getattr(leaf, "typed", None) for leaf in query.leaves()}
    if len(typed) != 1 or None in typed:
        return None
    return typed.pop()


# The query's logic over documents, by Whoosh type (anything else is a clause).
_DOCUMENT_LEVEL: dict[type, Callable[..., Node]] = {
    type(wq.NullQuery): lambda query: boolean.NOTHING,
    QueryWords: lambda query: boolean.all_of(map(converted, query.subqueries)),
    wq.And: lambda query: boolean.all_of(map(converted, query.subqueries)),
    AnyOf: lambda query: boolean.AnyOf(tuple(map(converted, query.subqueries))),
    wq.Or: lambda query: boolean.AnyOf(tuple(map(converted, query.subqueries))),
    wq.AndNot: lambda query: boolean.all_of(
        [converted(query.a), boolean.Without(converted(query.b))]
    ),
    wq.Not: lambda query: boolean.Without(converted(query.query)),
}


def _combined(kind: type[combine.Combined]) -> Callable[..., Clause]:
    """A compound query's conversion into `kind`, its subqueries converted by `children`."""

    def convert(query: wq.CompoundQuery, children: Callable[[wq.Query], Clause]) -> Clause:
        return kind(tuple(map(children, query.subqueries)), query.boost)

    return convert


def _sum(kind: type[combine.Sum]) -> Callable[..., Clause]:
    """An OR's conversion, refused for what only Whoosh's own matchers do (a minimum to match,
    a scale, a matcher type of its own)."""
    convert = _combined(kind)

    def checked(query: wq.Or, children: Callable[[wq.Query], Clause]) -> Clause:
        if query.minmatch or query.scale or query.matcher_type != wq.Or.AUTO_MATCHER:
            raise TypeError(f"no array scoring for {query!r}")
        return convert(query, children)

    return checked


# Each Whoosh type a parsed clause is made of, and the clause of the project's own it becomes
# (a new kind: its module and a line here). Each conversion takes the Whoosh query and how to
# convert its subqueries.
_CLAUSES: dict[type, Callable[..., Clause]] = {
    wq.Term: lambda query, _: term.Term(query.fieldname, query.text, query.boost),
    wq.Prefix: lambda query, _: Pattern.starting(query.fieldname, query.text, query.boost),
    wq.Wildcard: lambda query, _: Pattern.wildcard(query.fieldname, query.text, query.boost),
    wq.Phrase: lambda query, _: phrase.Phrase(
        query.fieldname, tuple(query.words), query.slop, query.boost
    ),
    PartsNear: lambda query, _: near.PartsNear(
        tuple(
            tuple(term.Term(part.fieldname, part.text, part.boost) for part in terms)
            for terms in query.part_terms()
        ),
        query.boost,
    ),
    DisjunctionMax: _combined(combine.BestOf),
    wq.And: _combined(combine.Both),
    wq.Or: _sum(combine.Sum),
    FieldVariants: _sum(InFields),
    ExactBonus: _sum(word.ExactBonus),
}


def _clause_of(query: wq.Query, children: Callable[[wq.Query], Clause]) -> Clause:
    """The clause of the most specific Whoosh type of `query` that `_CLAUSES` converts."""
    for kind in type(query).__mro__:
        if kind in _CLAUSES:
            return _CLAUSES[kind](query, children)
    raise TypeError(f"no array scoring for {query!r}")
