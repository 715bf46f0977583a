"""The query's kinds: Whoosh's query types stop at the parser, each parsed query becomes the
project's own clauses, and a pattern is translated as Whoosh translates it (its private methods
read here as the reference)."""

import ast
import dataclasses
import re
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.engine.generation import SharedGeneration
from search.engine.query import QueryError, boolean, term
from search.engine.query.combine import BestOf
from search.engine.query.fields import InFields
from search.engine.query.parse import make_parser, parse_query
from search.engine.query.pattern import Pattern, translated
from search.engine.query.phrase import Phrase
from search.engine.query.word import ExactBonus, Word
from search.index.generations.folders import current_generation
from search.index.schema import build_schema

ENGINE = Path(__file__).resolve().parent.parent / "src" / "search" / "engine"
# Globs with `*`, `?` and `[...]` anywhere, with literal starts long, short and empty.
GLOBS = [
    "ve?koop*",
    "ver[kc]oop*",
    "be[!l]*",
    "ge*ing",
    "gev?ng*",
    "vl[a-m]*",
    "?eer",
    "*heid",
    "[vw]ater*",
    "ab[",
    "x]y*",
    "zeker*d",
]


@pytest.fixture(scope="module")
def parser():
    return make_parser(build_schema())


def test_no_engine_module_but_the_parser_imports_whooshs_query_types():
    importers = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "whoosh":
                names = {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = {node.module} if isinstance(node, ast.ImportFrom) else set()
                names |= {alias.name for alias in getattr(node, "names", ())}
            else:
                continue
            if "query" in names or any(name.startswith("whoosh.query") for name in names):
                importers.add(path.relative_to(ENGINE).as_posix())
    assert importers == {"query/parse.py"}


def _whoosh_objects(node) -> list:
    """The Whoosh queries anywhere in a converted tree (there should be none)."""
    if isinstance(node, wq.Query):
        return [node]
    if isinstance(node, tuple):
        return [found for item in node for found in _whoosh_objects(item)]
    if dataclasses.is_dataclass(node):
        return [
            found
            for field in dataclasses.fields(node)
            for found in _whoosh_objects(getattr(node, field.name))
        ]
    return []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("trein", Word),
        ("titel:trein", Word),
        ("burn-out", Word),
        ("gevangenisdirecteur", Word),
        ('"trein"', InFields),
        ('"sociale zekerheid"~3', InFields),
        ("trein*", InFields),
        ("ve?koop*", InFields),
        ("fiets OF trein", boolean.AnyOf),
        ("fiets trein -bus", boolean.AllOf),
        ("NIET trein", boolean.Without),
        ("(fiets OF trein) EN vergoeding", boolean.AllOf),
    ],
)
def test_a_parsed_query_is_the_projects_own_clauses(parser, text, kind):
    node = parse_query(text, parser)
    assert isinstance(node, kind)
    assert _whoosh_objects(node) == []


def test_each_kind_keeps_what_the_parser_made(parser):
    forms = BestOf((term.Term("title", "trein"), term.Term("title", "~trein")))
    assert parse_query("titel:trein", parser) == Word(
        "trein", ExactBonus((forms, term.Term("title_exact", "trein", 0.25)))
    )
    phrase = parse_query('antwoord:"sociale zekerheid"~3', parser)
    assert phrase == Phrase("answer_exact", ("sociale", "zekerheid"), 3, 1.0)
    assert parse_query("van de", parser) is boolean.NOTHING


@pytest.mark.parametrize("text", GLOBS)
def test_a_wildcard_is_translated_as_whoosh_translates_it(text):
    whoosh = wq.Wildcard("answer_exact", text)
    prefix, regex = translated(text)
    assert prefix == whoosh._find_prefix(text)
    words = ["verkoop", "verkopen", "vaker", "beeld", "gering", "water", "zekerheid", "ab[", "x]y"]
    assert [w for w in words if re.match(regex, w)] == [
        w for w in words if re.match(whoosh._get_pattern(), w)
    ]


@pytest.mark.parametrize("text", [glob for glob in GLOBS if len(translated(glob)[0]) >= 2])
def test_a_wildcard_expands_to_the_words_whoosh_expands_it_to(index_dir, text):
    generation = current_generation(index_dir)
    shared = SharedGeneration.open(generation)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        for field in ("question_exact", "answer_exact"):
            expected = list(wq.Wildcard(field, text)._btexts(reader))
            assert Pattern.wildcard(field, text).terms(shared.postings) == expected


@pytest.mark.parametrize("text", ["*heid", "a*", "v?rkoop"])
def test_a_pattern_must_start_with_two_letters(parser, text):
    with pytest.raises(QueryError, match="minstens 2 letters"):
        parse_query(text, parser)
