"""What `lint-imports` cannot check: Whoosh's private names are read in `search.index.format` only.

Whoosh offers no public way to a few things the index needs (an index's table of contents, a
segment's field lengths, a column's raw bytes, a compound query's matcher tree):
`search.index.format.internals` wraps each, and `pyproject.toml` says so where Whoosh is
declared. This test reads every module of `src/search` and fails on a private Whoosh name used
anywhere else: a name Whoosh's own code spells with one leading underscore, imported from a
Whoosh module, read on another object than `self` (as `getattr` too), or read on `self` in a
subclass of a Whoosh class that does not define it itself.
"""

import ast
from pathlib import Path

import whoosh

SRC = Path(__file__).resolve().parent.parent / "src" / "search"
FORMAT = SRC / "index" / "format"


def _private(name: str) -> bool:
    return len(name) > 1 and name.startswith("_") and not name.startswith("__")


def whoosh_private_names() -> frozenset[str]:
    """Every name with one leading underscore that Whoosh's own modules define or read."""
    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name):
                names.add(node.id)
    return frozenset(filter(_private, names))


PRIVATE = whoosh_private_names()


def private_uses(source: str, private: frozenset[str] = PRIVATE) -> list[tuple[int, str]]:
    """(line, name) of each private Whoosh name `source` imports from Whoosh or reads (see the
    module), in the order of the source."""
    tree = ast.parse(source)
    from_whoosh = _names_from_whoosh(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            found += [(node.lineno, alias.name) for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Attribute) and node.attr in private and not _on_self(node):
            found.append((node.lineno, node.attr))
        elif _named_by_string(node, private):
            found.append((node.lineno, node.args[1].value))
    for cls in _whoosh_subclasses(tree, from_whoosh):
        own = _defined_in(cls)
        found += [
            (node.lineno, node.attr)
            for node in ast.walk(cls)
            if isinstance(node, ast.Attribute)
            and node.attr in private
            and _on_self(node)
            and node.attr not in own
        ]
    return sorted(found)


def _names_from_whoosh(tree: ast.Module) -> set[str]:
    """The names a module binds to Whoosh's modules and objects by importing them."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] == "whoosh"
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            bound |= {alias.asname or alias.name for alias in node.names}
    return bound


def _on_self(node: ast.Attribute) -> bool:
    value = node.value
    if isinstance(value, ast.Name):
        return value.id in ("self", "cls")
    return isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super"


def _named_by_string(node: ast.AST, private: frozenset[str]) -> bool:
    """`getattr(x, "_name")`, `hasattr` or `setattr` of a private Whoosh name."""
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) in ("getattr", "hasattr", "setattr")
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in private
    )


def _whoosh_subclasses(tree: ast.Module, from_whoosh: set[str]) -> list[ast.ClassDef]:
    """The classes of a module that derive from a Whoosh class, directly or through another
    class of the module."""
    derived: dict[str, ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            _root_name(base) in from_whoosh or _root_name(base) in derived for base in node.bases
        ):
            derived[node.name] = node
    return list(derived.values())


def _root_name(expression: ast.expr) -> str | None:
    while isinstance(expression, ast.Attribute):
        expression = expression.value
    return expression.id if isinstance(expression, ast.Name) else None


def _defined_in(cls: ast.ClassDef) -> set[str]:
    """The names a class defines itself: its methods and class attributes, and the attributes
    it assigns to `self`."""
    own = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            own.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
    for node in cls.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            own |= {target.id for target in targets if isinstance(target, ast.Name)}
    return own


def test_the_scan_finds_each_way_of_reading_a_private_name():
    source = """
from whoosh import query as wq
from whoosh.filedb.structfile import _SIZEMAP


def segments(ix, reader):
    return ix._segments(), getattr(reader, "_perdoc")


class Max(wq.DisjunctionMax):
    def _matcher(self, subs, searcher, context):
        self._seen = subs
        return self._tree_matcher(subs, self._seen, searcher, context)


class Ours:
    def _read_toc(self):
        return self._segments
"""
    assert private_uses(source) == [
        (3, "_SIZEMAP"),
        (7, "_perdoc"),
        (7, "_segments"),
        (13, "_tree_matcher"),
    ]


def test_whoosh_private_names_are_read_in_the_format_package_only():
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if FORMAT in path.parents:
            continue
        for line, name in private_uses(path.read_text(encoding="utf-8")):
            found.setdefault((path.relative_to(SRC).as_posix(), name), []).append(line)
    assert not found, (
        "Whoosh's private names outside search.index.format (wrap them in "
        f"search.index.format.internals): {found}"
    )
