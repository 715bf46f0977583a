"""The `parlsearch` command line: build, query, serve, stats. Each command is one core call."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from search.config import resolve_paths
from search.evaluation import Evaluation, compare_with_baselines, read_judged_queries
from search.indexing import BuildReport, IndexBusyError, NoIndexError, build_index, index_exists
from search.query import QueryError
from search.searching import MAX_PER_PAGE, SearchEngine
from search.serialize import evaluation_dict, search_page_dict, stats_dict

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
    if strict and report.skipped:
        raise click.ClickException(f"{len(report.skipped)} file(s) skipped (--strict)")


@main.command()
@click.argument("text")
@index_option
@click.option("--limit", type=click.IntRange(1, MAX_PER_PAGE), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/search.")
def query(text: str, index: Path | None, limit: int, as_json: bool) -> None:
    """Search the index and print the best documents."""
    engine = SearchEngine(resolve_paths(index=index).index)
    try:
        page = engine.search(text, per_page=limit)
    except (QueryError, NoIndexError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(search_page_dict(page), ensure_ascii=False, indent=2))
        return
    click.echo(f"{page.total} documents for {text!r}")
    for rank, hit in enumerate(page.results, start=1):
        click.echo(f"\n{rank:>3}. {hit.title}  [{hit.id}, score {hit.score}]")
        party = f" ({hit.party})" if hit.party else ""
        click.echo(f"     {hit.date}  {hit.member}{party}  {hit.minister}".rstrip())
        click.echo(f"     {_plain(hit.snippet)}")


@main.command()
@corpus_option
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
def serve(corpus: Path | None, index: Path | None, host: str, port: int, threads: int) -> None:
    """Serve the web interface with waitress (building the index first if there is none)."""
    from waitress import serve as waitress_serve

    from search.app import create_app

    paths = resolve_paths(corpus, index)
    if not index_exists(paths.index):
        click.echo(f"No index in {paths.index}; building it from {paths.corpus} first.")
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
        facts = SearchEngine(resolve_paths(index=index).index).stats()
    except NoIndexError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(stats_dict(facts), indent=2))
        return
    click.echo(f"documents: {facts.documents}")
    for source, count in sorted(facts.per_source.items()):
        click.echo(f"  {source}: {count}")
    click.echo(f"chunks:    {facts.chunks}")
    click.echo(f"size:      {facts.size_bytes / 1e6:.1f} MB")
    click.echo(f"built:     {facts.built}")
    click.echo(f"path:      {facts.path}")


@main.command(name="eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
    queries: Path, corpus: Path | None, index: Path | None, baselines: bool, as_json: bool
) -> None:
    """Measure MRR@10, Success@1, Success@10 and nDCG@10 on judged queries (query<TAB>ids),
    for Parlsearch and two plain baselines built from the same corpus."""
    paths = resolve_paths(corpus, index)
    engine = SearchEngine(paths.index)
    try:
        judged = read_judged_queries(queries)
        result = compare_with_baselines(
            judged,
            lambda text: [hit.id for hit in engine.search(text).results],
            paths.corpus if baselines else None,
        )
    except (ValueError, QueryError, NoIndexError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(evaluation_dict(result), indent=2, ensure_ascii=False))
        return
    _print_evaluation(result, queries)


def _build(corpus: Path, index: Path, procs: int) -> BuildReport:
    try:
        report = build_index(corpus, index, progress=sys.stderr.isatty(), procs=procs)
    except (IndexBusyError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Indexed {report.documents_indexed} documents ({report.chunks} chunks) "
        f"from {report.documents_read} read in {report.seconds:.1f} s into {index}."
    )
    for duplicate in report.duplicates:
        click.echo(f"duplicate id, skipped: {duplicate}", err=True)
    if report.skipped:
        click.echo(f"{len(report.skipped)} skipped:", err=True)
        for skipped in report.skipped:
            click.echo(f"  {skipped}", err=True)
    return report


def _print_evaluation(result: Evaluation, path: Path) -> None:
    names = [system.name for system in result.systems]
    click.echo(f"{len(result.queries)} queries from {path}")
    click.echo("\n" + " " * 12 + "".join(f"{name:>17}" for name in names))
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


_METRICS = (
    ("MRR@10", "mrr"),
    ("Success@1", "success_at_1"),
    ("Success@10", "success_at_10"),
    ("nDCG@10", "ndcg"),
)


def _plain(snippet_html: str) -> str:
    """A snippet for the terminal: marks as *word*, entities decoded."""
    import html

    return html.unescape(re.sub(r"</?mark>", "*", snippet_html)).replace("\n", " ")
