"""Everything the product answers, written to a folder, and two such folders compared byte for byte.

    python bench/outputs.py write --index INDEX --corpus CORPUS --out DIR
    python bench/outputs.py compare BEFORE AFTER

A change that must not change behaviour (a redesign, a speed-up) is proven by writing the
outputs before and after it, over the same corpus, and comparing them. `write` asks the web app
in this process (the Flask test client over `create_app`) and the command line (click's runner)
for:
- every query of the benchmark's mix (`bench/queries.tsv`): the JSON of each of its result
  pages (up to `MAX_PAGES`, and the last), the HTML of its first two pages, its CSV and Atom
  twins, the JSON of each facet's page and the HTML of two, and, for every result on its first
  page, the document's JSON and HTML as reached from the results;
- every request of the load test's mix (`bench/load-queries.tsv`), status and body;
- the pages of the members and ministers with the most questions, the home, help, coverage and
  OpenAPI pages, error pages, and queries whose syntax is odd (`HOSTILE`);
- `parlsearch query`, `facet` and `person`, as text and as JSON, for a sample of the mix;
- `parlsearch eval --json` on the judged queries, with every query's rank and count;
- the SHA-256 of the index's own arrays and tables (its `.parl` files) and corpus manifest.

Each answer is one file (status line, content type, then the body), named by a digest of the
request and listed with the request in `requests.tsv`. The index's build time, which a rebuild
changes, is replaced by a placeholder, so that an index built before and one built after the
change can be compared too. `compare` prints each request whose answer differs, with the first
differing line, and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
# Result pages of each query written as JSON (and its last one).
MAX_PAGES = 5
# Members and ministers whose pages are written: those with the most questions.
PEOPLE = 8
# Queries whose syntax is odd or broken: what they answer must not change by accident either.
HOSTILE = (
    '"niet afgesloten',
    "daling (-11,5%)",
    "kosten (+5%)",
    "hoeveel asielaanvragen?",
    "(tijdskrediet met motief)?",
    "trein^2",
    "trein~1",
    "-trein",
    "NIET trein",
    "titel:",
    "member:Pas",
    "ve?koop*",
    "a*",
    "((fiets)",
    "fiets OF",
    "lid:brusselmans trein",
    "partij:Vlams Belang",
    "190665",
    "nr. 235",
)
PLACEHOLDER = "<built>"
# The build time as a page shows it, after its machine-readable form was replaced.
_SHOWN_BUILT = re.compile(rb'(<time datetime="' + re.escape(PLACEHOLDER.encode()) + rb'">)[^<]*')


def write(index: Path, corpus: Path, out: Path, eval_files: list[Path]) -> int:
    """Write every answer into `out`; the number of requests."""
    from click.testing import CliRunner

    from search.cli import main as cli
    from search.http.app import create_app
    from search.index.generations.folders import current_generation, read_meta

    built = read_meta(current_generation(index))["built"]
    app = create_app({"INDEX_DIR": str(index)})
    client = app.test_client()
    runner = CliRunner()
    out.mkdir(parents=True, exist_ok=True)
    listed: dict[str, str] = {}

    def keep(kind: str, request: str, status: str, content_type: str, body: bytes) -> None:
        name = hashlib.sha256(f"{kind} {request}".encode()).hexdigest()[:16]
        if name in listed:
            return
        body = body.replace(built.encode(), PLACEHOLDER.encode())
        body = _SHOWN_BUILT.sub(rb"\1" + PLACEHOLDER.encode(), body)
        header = f"{status}\n{content_type}\n\n".encode()
        (out / name).write_bytes(header + body)
        listed[name] = f"{name}\t{kind}\t{request}"

    def get(path: str) -> bytes:
        name = hashlib.sha256(f"GET {path}".encode()).hexdigest()[:16]
        if name in listed:
            return (out / name).read_bytes().split(b"\n\n", 1)[1]
        with client.get(path) as response:
            body = response.data
            keep("GET", path, str(response.status_code), response.content_type or "", body)
        return body

    def run(*args: str) -> None:
        result = runner.invoke(cli, [*args, "--index", str(index)])
        keep("CLI", " ".join(args), str(result.exit_code), "text/plain", result.output.encode())

    generation = current_generation(index)
    for path in sorted(generation.iterdir()):
        # Whoosh's own files hold a random segment id and the build time; the arrays, tables
        # and corpus manifest beside them do not.
        if path.suffix == ".parl" or path.name.startswith("corpus"):
            named = (
                path.name.replace(path.stem, "MAIN_<segment>")
                if path.stem.startswith("MAIN_")
                else path.name
            )
            keep("FILE", named, "", "", hashlib.sha256(path.read_bytes()).hexdigest().encode())
    for path in _paths(get):
        get(path)
    for args in _commands():
        run(*args)
    if eval_files:
        names = [str(path) for path in eval_files]
        result = runner.invoke(
            cli,
            [
                "eval",
                *names,
                "--no-baselines",
                "--json",
                "--index",
                str(index),
                "--corpus",
                str(corpus),
            ],
        )
        keep(
            "CLI",
            "eval " + " ".join(p.name for p in eval_files),
            str(result.exit_code),
            "application/json",
            result.output.encode(),
        )
    (out / "requests.tsv").write_text("\n".join(listed.values()) + "\n", encoding="utf-8")
    return len(listed)


def _paths(get) -> Iterator[str]:
    """The web requests, some found from the answers to earlier ones (`get`)."""
    yield from ("/", "/hulp", "/api/coverage", "/api/openapi.json", "/static/style.css")
    yield from ("/api/documents/bestaat-niet", "/documents/bestaat-niet", "/bestaat-niet")
    for params in _mix():
        yield from _search_paths(get, params)
    for params in [urlencode({"q": text}) for text in HOSTILE]:
        yield f"/api/search?{params}"
        yield f"/search?{params}"
    yield from _load_mix()
    yield from _people_paths(get)


def _search_paths(get, params: str) -> Iterator[str]:
    first = json.loads(get(f"/api/search?{params}"))
    pages = first.get("pages", 1)
    for page in [*range(2, min(pages, MAX_PAGES) + 1), *([pages] if pages > MAX_PAGES else [])]:
        yield f"/api/search?{params}&page={page}"
    yield f"/search?{params}"
    if pages > 1:
        yield f"/search?{params}&page=2"
    yield f"/search.csv?{params}"
    yield f"/search.atom?{params}"
    for number, name in enumerate(first.get("facets", {})):
        yield f"/api/facetten/{name}?{params}"
        if number < 2:
            yield f"/facetten/{name}?{params}"
    query = urlencode({"q": first.get("query", "")})
    for hit in first.get("results", []) + first.get("partial_results", [])[:3]:
        doc = quote(hit["id"], safe="")
        yield f"/api/documents/{doc}?{query}"
        yield f"/documents/{doc}?{query}"


def _people_paths(get) -> Iterator[str]:
    everything = json.loads(get("/api/search?per_page=1"))
    for facet, path in (("lid", "leden"), ("minister", "ministers")):
        for value in everything["facets"][facet]["values"][:PEOPLE]:
            found = json.loads(get(f"/api/search?per_page=1&{urlencode({facet: value['value']})}"))
            hits = found["results"]
            url = hits[0]["member_url" if facet == "lid" else "minister_url"] if hits else None
            if url:
                yield f"/api{url}"
                yield url
                yield f"/api{url}?page=2"
        yield f"/{path}/niemand-van-die-naam"


def _mix() -> list[str]:
    """The URL parameters of each query of the benchmark's mix."""
    lines = (ROOT / "bench" / "queries.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[1] for line in lines if line and not line.startswith("#")]


def _load_mix() -> list[str]:
    lines = (ROOT / "bench" / "load-queries.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[1] for line in lines if line and not line.startswith("#")]


def _commands() -> Iterator[tuple[str, ...]]:
    for text in ("trein", "overheidsdiensten groene nummers", '"sociale zekerheid"', "trein*"):
        yield ("query", text)
        yield ("query", text, "--json")
    yield ("query", "", "--partij", "N-VA", "--sort", "oudste")
    yield ("query", "ziekenhuis", "--status", "onbeantwoord", "--limit", "20", "--page", "2")
    yield ("facet", "partij", "trein")
    yield ("facet", "lid", "", "--waarde", "van")
    yield ("facet", "thema", "trein", "--json")
    yield ("person", "minister", "jan-jambon")
    yield ("person", "lid", "barbara-pas", "--json")


def compare(before: Path, after: Path) -> int:
    """Print the requests whose answers differ; how many do."""
    listed_before = _listed(before)
    listed_after = _listed(after)
    differing = 0
    for name, request in listed_before.items():
        if name not in listed_after:
            print(f"missing after: {request}")
            differing += 1
            continue
        old, new = (before / name).read_bytes(), (after / name).read_bytes()
        if old != new:
            differing += 1
            print(f"differs: {request}\n  {_first_difference(old, new)}")
    for name, request in listed_after.items():
        if name not in listed_before:
            print(f"new after: {request}")
            differing += 1
    print(f"{len(listed_before)} answers compared, {differing} differ")
    return differing


def _listed(folder: Path) -> dict[str, str]:
    lines = (folder / "requests.tsv").read_text(encoding="utf-8").splitlines()
    return {name: rest for name, rest in (line.split("\t", 1) for line in lines if line)}


def _first_difference(old: bytes, new: bytes) -> str:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)):
        if a != b:
            return f"line {number + 1}: {a[:200]!r} -> {b[:200]!r}"
    return f"{len(old_lines)} lines -> {len(new_lines)} lines"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write", help="write every answer into a folder")
    writing.add_argument("--index", type=Path, default=ROOT / "index")
    writing.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    writing.add_argument("--out", type=Path, required=True)
    writing.add_argument(
        "--eval",
        type=Path,
        nargs="*",
        default=[ROOT / "eval" / "dev-queries.tsv", ROOT / "eval" / "dev-counts.tsv"],
        help="judged query files for `parlsearch eval` (none: skip it)",
    )
    comparing = commands.add_parser("compare", help="compare two written folders")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        count = write(args.index, args.corpus, args.out, args.eval)
        print(f"{count} answers written to {args.out}")
        return 0
    return 1 if compare(args.before, args.after) else 0


if __name__ == "__main__":
    sys.exit(main())
