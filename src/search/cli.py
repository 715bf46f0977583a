"""The `parlsearch` command line: build, update, query, serve, stats, eval. Each command is one
core call."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from search.config import resolve_paths, resolve_time_budget
from search.engine.coverage import Coverage
from search.engine.evaluation import (
    CUTOFF,
    Evaluation,
    SearchUnderTest,
    compare_with_baselines,
    read_queries,
)
from search.engine.filters import FILTER_LABELS, FILTER_NAMES, LIST_FILTERS
from search.engine.highlight import plain_text
from search.engine.limits import SearchTimeout
from search.engine.pages import Hit, SearchPage, slug
from search.engine.people import KINDS, MEMBER, PersonPage
from search.engine.query import QueryError
from search.engine.request import MAX_PER_PAGE, SCOPES, SORTS, SearchRequest, parse_request
from search.engine.searching import SearchEngine
from search.index.document_table import FACETS
from search.index.generations import IndexBusyError, IndexLockError, NoIndexError, index_exists
from search.index.writing import BuildReport, build_index, update_index
from search.render.serialize import (
    coverage_dict,
    evaluation_dict,
    facet_page_dict,
    person_page_dict,
    search_page_dict,
    stats_dict,
)

corpus_option = click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    help="Corpus folder [$PARLSEARCH_CORPUS, ./corpus].",
)
index_option = click.option(
    "--index", type=click.Path(path_type=Path), help="Index folder [$PARLSEARCH_INDEX, ./index]."
)


@click.group()
@click.version_option(package_name="parlsearch")
def main() -> None:
    """Parlsearch: search Dutch-language parliamentary written questions and answers."""


@main.command()
@corpus_option
@index_option
@click.option("--strict", is_flag=True, help="Exit with an error if any file was skipped.")
@click.option(
    "--procs", type=click.IntRange(1, 16), default=1, show_default=True, help="Indexing processes."
)
def build(corpus: Path | None, index: Path | None, strict: bool, procs: int) -> None:
    """Build the index from the corpus and swap it in when complete."""
    paths = resolve_paths(corpus, index)
    report = _build(paths.corpus, paths.index, procs)
    _check_strict(report, strict)


@main.command()
@corpus_option
@index_option
@click.option("--strict", is_flag=True, help="Exit with an error if any file was skipped.")
def update(corpus: Path | None, index: Path | None, strict: bool) -> None:
    """Add new, replace changed and remove deleted documents; swap in the result."""
    paths = resolve_paths(corpus, index)
    report = _run_writer(update_index, paths.corpus, paths.index, progress=sys.stderr.isatty())
    if report.incremental:
        click.echo(
            f"Updated {paths.index}: {report.added} added, {report.replaced} replaced, "
            f"{len(report.removed)} removed, {report.unchanged} unchanged, "
            f"{len(report.skipped)} skipped"
            + ("." if report.changed else "; nothing changed, the index in use stays.")
        )
    else:
        click.echo(f"No index to update in {paths.index} (or one of another version); built it.")
    _print_report(report, paths.index)
    _check_strict(report, strict)


def _filter_options(command):
    """Add the search page's filter options (`--lid`, `--partij`, ...) to a command."""
    for name in reversed(FILTER_NAMES):
        several = name in LIST_FILTERS
        help_text = (
            f"{FILTER_LABELS[name]} (as ?{name}= on the web{', repeatable' if several else ''})."
        )
        command = click.option(f"--{name}", multiple=several, help=help_text)(command)
    return command


def _search_options(command):
    """Add the search page's parameters as options: its filters, --in and --sort."""
    command = click.option(
        "--sort", type=click.Choice(SORTS), help="Order [relevantie with words, else nieuwste]."
    )(command)
    command = click.option(
        "--in", "scope", type=click.Choice(SCOPES), help="Match only in the question or answer."
    )(command)
    return _filter_options(command)


def _search_params(text: str, options: dict) -> dict[str, list[str]]:
    """The URL-style parameters of a search from the command's text and options (taken out of
    `options`)."""
    params = {"q": [text], "in": [options.pop("scope") or ""], "sort": [options.pop("sort") or ""]}
    for name in FILTER_NAMES:
        value = options.pop(name)
        params[name] = list(value) if isinstance(value, tuple) else [value or ""]
    return params


@main.command()
@click.argument("text", default="")
@index_option
@_search_options
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1, MAX_PER_PAGE), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/search.")
def query(text: str, index: Path | None, as_json: bool, **options) -> None:
    """Search the index and print the best documents (TEXT may be empty when filtering)."""
    params = _search_params(text, options)
    params["page"] = [str(options.pop("page"))]
    params["per_page"] = [str(options.pop("limit"))]
    try:
        search = parse_request(params)
        if not search.has_criteria:
            raise QueryError("Geef een zoekvraag of een filter op.")
        page = _engine(index).search(search)
    except (QueryError, NoIndexError, SearchTimeout, ValueError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        _print_json(search_page_dict(page))
        return
    _print_page(page)


@main.command()
@click.argument("name", type=click.Choice([name for name, _, _ in FACETS]))
@click.argument("text", default="")
@index_option
@_search_options
@click.option("--waarde", default="", help="Only values containing this text.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/facetten/NAME.")
def facet(name: str, text: str, index: Path | None, waarde: str, as_json: bool, **options) -> None:
    """Print every value of one facet with its count for a search (as /facetten/NAME)."""
    try:
        search = parse_request(_search_params(text, options))
        page = _engine(index).facet(search, name, waarde)
    except (QueryError, NoIndexError, SearchTimeout, ValueError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        _print_json(facet_page_dict(page))
        return
    click.echo(f"{page.facet.label}: {len(page.facet.values)} values over {page.total} documents")
    for value in page.facet.values:
        click.echo(f"{value.count:>7}  {value.label}")
    if page.facet.other or page.facet.missing:
        click.echo(f"{page.facet.other:>7}  (other values)\n{page.facet.missing:>7}  (no value)")


@main.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name")
@index_option
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/leden/… or …")
def person(kind: str, name: str, index: Path | None, page: int, as_json: bool) -> None:
    """Print a member's (lid) or minister's page: their questions and what they add up to."""
    try:
        found = _engine(index).person(kind, slug(name), parse_request({"page": [str(page)]}).page)
    except (QueryError, NoIndexError, SearchTimeout) as error:
        raise click.ClickException(str(error)) from error
    if found is None:
        raise click.ClickException(
            f"Geen {'parlementslid' if kind == MEMBER else 'minister'} "
            f"gevonden met de naam '{name}'."
        )
    if as_json:
        _print_json(person_page_dict(found))
        return
    _print_person(found)


def _print_person(page: PersonPage) -> None:
    parties = ", ".join(party.label for party in page.parties)
    click.echo(f"{page.name}{f' ({parties})' if parties else ''}  [{page.url}]")
    click.echo(
        f"{page.questions} questions ({page.documents} documents), {page.answered} answered "
        f"({page.answered_share:.0%})"
    )
    for office in page.offices:
        click.echo(f"  {office.label}: {office.start} .. {office.end} ({office.parliament})")
    click.echo("per year: " + ", ".join(f"{c.label} {c.count}" for c in page.years))
    click.echo("themes:   " + ", ".join(f"{c.label} {c.count}" for c in page.themes[:10]))
    asked = "most asked" if page.kind == MEMBER else "asked most by"
    click.echo(f"{asked}: " + ", ".join(f"{c.label} {c.count}" for c in page.counterparts))
    _print_page(page.results)


def _engine(index: Path | None) -> SearchEngine:
    return SearchEngine(resolve_paths(index=index).index, resolve_time_budget())


def _print_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_page(page: SearchPage) -> None:
    results = f" in {page.groups} results" if page.groups != page.total else ""
    click.echo(f"{page.total} documents{results} for {page.query!r}, sorted by {page.sort}")
    if page.suggestion:
        click.echo(f"Bedoelde u: {page.suggestion}?")
    if page.histogram.periods:
        counts = ", ".join(f"{p.label} {p.count}" for p in page.histogram.periods if p.count)
        click.echo(f"per {page.histogram.unit}: {counts}")
    if page.coverage is not None:
        _print_coverage(page.coverage)
    first = (page.page - 1) * page.per_page + 1
    _print_hits(page.results, first)
    if page.partial_results:
        if not page.total:
            click.echo("No document holds all the words of the query.")
        click.echo(
            f"\n{page.partial_total} documents hold only some of the words (not counted above); "
            f"the best {len(page.partial_results)}:"
        )
        _print_hits(page.partial_results, 1)


def _print_hits(hits: list[Hit], first: int) -> None:
    for rank, hit in enumerate(hits, start=first):
        click.echo(f"\n{rank:>3}. {hit.title}  [{hit.id}, score {hit.score}]")
        party = f" ({hit.party})" if hit.party else ""
        click.echo(f"     {hit.date}  {hit.member}{party}  {hit.minister_shown}".rstrip())
        if hit.copies:
            click.echo(
                f"     also asked to {len(hit.copies)} other(s): "
                + ", ".join(c.id for c in hit.copies)
            )
        click.echo("     " + plain_text(hit.snippet, marker="*").replace("\n", " "))


@main.command()
@corpus_option
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
def serve(corpus: Path | None, index: Path | None, host: str, port: int, threads: int) -> None:
    """Serve the web interface with waitress (building the index first if there is none)."""
    from waitress import serve as waitress_serve

    from search.http.app import create_app

    paths = resolve_paths(corpus, index)
    if not index_exists(paths.index):
        click.echo(
            f"No index in {paths.index} that this version can read; "
            f"building it from {paths.corpus} first."
        )
        _build(paths.corpus, paths.index, procs=1)
    app = create_app({"INDEX_DIR": str(paths.index)})
    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="parlsearch")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True)
def stats(index: Path | None, as_json: bool) -> None:
    """Show documents (total and per source), chunks, index size and build date."""
    try:
        engine = SearchEngine(resolve_paths(index=index).index)
        facts, coverage = engine.stats(), engine.coverage()
    except NoIndexError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps({**stats_dict(facts), "coverage": coverage_dict(coverage)}, indent=2))
        return
    click.echo(f"documents: {facts.documents}")
    _print_coverage(coverage)
    click.echo(f"chunks:    {facts.chunks}")
    click.echo(f"size:      {facts.size_bytes / 1e6:.1f} MB")
    click.echo(f"built:     {facts.built}")
    click.echo(f"path:      {facts.path}")


@main.command(name="eval")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@corpus_option
@index_option
@click.option(
    "--baselines/--no-baselines",
    default=True,
    show_default=True,
    help="Also build and score the two plain baselines from the corpus (about a minute).",
)
@click.option("--json", "as_json", is_flag=True)
def evaluate_command(
    files: tuple[Path, ...], corpus: Path | None, index: Path | None, baselines: bool, as_json: bool
) -> None:
    """Measure the ranking on judged queries (query<TAB>ids: MRR@10, Success@1, Success@10,
    nDCG@10) and the matching sets on count queries (query<TAB>must<TAB>ok: precision and
    recall), for Parlsearch and two plain baselines built from the same corpus."""
    paths = resolve_paths(corpus, index)
    engine = SearchEngine(paths.index)
    search = SearchUnderTest(
        rank=lambda text: engine.ranked_ids(SearchRequest(q=text), CUTOFF),
        matching=lambda text: engine.ranked_ids(SearchRequest(q=text), partial=False),
    )
    try:
        judged, counted = [], []
        for path in files:
            more_judged, more_counted = read_queries(path)
            judged += more_judged
            counted += more_counted
        result = compare_with_baselines(judged, search, paths.corpus, counted, baselines)
    except (ValueError, QueryError, NoIndexError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(evaluation_dict(result), indent=2, ensure_ascii=False))
        return
    _print_evaluation(result, files)


def _print_coverage(coverage: Coverage) -> None:
    """What the index holds, per parliament."""
    for parliament in coverage.parliaments:
        click.echo(
            f"  {parliament.source}: {parliament.documents} documents "
            f"({parliament.answered} answered), filed {parliament.first} .. {parliament.last}"
        )


def _build(corpus: Path, index: Path, procs: int) -> BuildReport:
    report = _run_writer(build_index, corpus, index, progress=sys.stderr.isatty(), procs=procs)
    _print_report(report, index)
    return report


def _run_writer(write, corpus: Path, index: Path, **options) -> BuildReport:
    """Run `build_index` or `update_index`, mapping its expected failures to a CLI error."""
    try:
        return write(corpus, index, **options)
    except (IndexBusyError, IndexLockError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from error


def _print_report(report: BuildReport, index: Path) -> None:
    """The counts that reconcile (read = indexed + duplicates), then what was left out."""
    click.echo(
        f"Indexed {report.documents_indexed} documents ({report.chunks} chunks) "
        f"from {report.documents_read} read ({len(report.duplicates)} duplicates) "
        f"in {report.seconds:.1f} s into {index}/{report.generation}."
    )
    for duplicate in report.duplicates:
        click.echo(f"duplicate id, skipped: {duplicate}", err=True)
    if report.skipped:
        click.echo(f"{len(report.skipped)} skipped:", err=True)
        for skipped in report.skipped:
            click.echo(f"  {skipped}", err=True)


def _check_strict(report: BuildReport, strict: bool) -> None:
    if strict and report.skipped:
        raise click.ClickException(f"{len(report.skipped)} file(s) skipped (--strict)")


def _print_evaluation(result: Evaluation, files: tuple[Path, ...]) -> None:
    names = [system.name for system in result.systems]
    header = " " * 12 + "".join(f"{name:>17}" for name in names)
    if result.queries:
        _print_ranking(result, names, header)
    if result.count_queries:
        _print_counts(result, names, header)
    click.echo(f"\nFrom {', '.join(map(str, files))}.")


def _print_ranking(result: Evaluation, names: list[str], header: str) -> None:
    click.echo(f"{len(result.queries)} judged queries: the ranking\n\n{header}")
    for label, attribute in _METRICS:
        values = "".join(f"{getattr(s.scores, attribute):>17.3f}" for s in result.systems)
        click.echo(f"{label:<12}{values}")
    click.echo("\nRank of the first relevant document per query (- = not in the top 10):")
    click.echo("".join(f"{name[:10]:>11}" for name in names) + "  query")
    for results in zip(*(system.scores.queries for system in result.systems), strict=True):
        ranks = "".join(f"{result.first_relevant_rank or '-':>11}" for result in results)
        click.echo(f"{ranks}  {results[0].query.text}")
    ours = result.systems[0].scores
    click.echo(f"\nNot first for {names[0]} ({len(ours.missed)}):")
    for missed in ours.missed:
        rank = missed.first_relevant_rank or "-"
        top = ", ".join(missed.ranking[:3])
        click.echo(
            f"  {rank!s:>2}  {missed.query.text}  (wanted {missed.query.relevant[0]}; top: {top})"
        )


def _print_counts(result: Evaluation, names: list[str], header: str) -> None:
    click.echo(f"\n{len(result.count_queries)} count queries: the matching set\n\n{header}")
    for label, attribute in (("precision", "precision"), ("recall", "recall"), ("F1", "f1")):
        values = "".join(f"{getattr(s.counts, attribute):>17.3f}" for s in result.systems)
        click.echo(f"{label:<12}{values}")
    click.echo("\nDocuments found / to find, precision, recall per query:")
    click.echo("".join(f"{name[:16]:>24}" for name in names) + "  query")
    for results in zip(*(system.counts.queries for system in result.systems), strict=True):
        cells = "".join(
            f"{f'{r.found}/{r.must} {r.precision:.2f} {r.recall:.2f}':>24}" for r in results
        )
        click.echo(f"{cells}  {results[0].query.text}")


_METRICS = (
    ("MRR@10", "mrr"),
    ("Success@1", "success_at_1"),
    ("Success@10", "success_at_10"),
    ("nDCG@10", "ndcg"),
)
