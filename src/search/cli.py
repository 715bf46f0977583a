"""The `parlsearch` command line: build, update, optimize, verify, query, similar, serve, stats,
eval.
Each command is one core call.

What the commands print is Dutch, as the web pages are (reports, progress, results, errors);
the `--help` texts and click's own complaints about options and arguments are English. Links
are printed as the site's paths (`search.render.urls`), relative to its address.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import click

from search.config import resolve_base_url, resolve_paths, resolve_time_budget
from search.engine.coverage import Coverage
from search.engine.evaluation import (
    CUTOFF,
    Evaluation,
    SearchUnderTest,
    compare_with_baselines,
    read_queries,
)
from search.engine.filters import FILTER_NAMES, LIST_FILTERS
from search.engine.pages import Hit, SearchPage, person_slug
from search.engine.people import KINDS, MEMBER, PersonChoice, PersonPage, page_slug
from search.engine.query import QueryError
from search.engine.request import (
    MAX_PER_PAGE,
    SCOPES,
    SIMILAR,
    SORTS,
    SearchRequest,
    parse_request,
)
from search.engine.searching import SearchEngine
from search.errors import ParlsearchError
from search.http.serving import (
    GUNICORN,
    THREADS_PER_CORE,
    WAITRESS,
    default_server,
    default_threads,
    default_workers,
)
from search.index.arrays.document_table import FACETS
from search.index.generations.folders import CURRENT_FILE, index_exists
from search.index.generations.optimize import optimize_index
from search.index.generations.reports import (
    DONE,
    INDEXING,
    MERGING,
    READING,
    WRITING,
    BuildReport,
    MergeReport,
    Progress,
)
from search.index.generations.verification import GenerationCheck, IndexCheck, verify_index
from search.index.generations.writing import build_index, update_index
from search.render.highlight import snippet_text
from search.render.labels import FILTER_LABELS, counted
from search.render.shapes import (
    COVERAGE,
    EVALUATION,
    FACET_PAGE,
    INDEX_STATS,
    PERSON_CHOICE,
    PERSON_PAGE,
    SEARCH_PAGE,
)
from search.render.urls import Urls
from search.text.analysis import WordAnalysis, word_analyses
from search.text.compounds import Part

corpus_option = click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    help="Corpus folder [$PARLSEARCH_CORPUS, ./corpus].",
)
index_option = click.option(
    "--index", type=click.Path(path_type=Path), help="Index folder [$PARLSEARCH_INDEX, ./index]."
)


class CliError(click.ClickException):
    """An error the CLI reports in one Dutch line ("Fout: ...") with exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fout: {self.format_message()}", file=file or sys.stderr, err=file is None)


class Commands(click.Group):
    """The commands, each reporting a `ParlsearchError` as a `CliError`: the error's own text,
    which may name the index folder's path (the web shows its `message` instead)."""

    def invoke(self, ctx: click.Context):
        """Run the command, its Parlsearch errors reported in one line."""
        try:
            return super().invoke(ctx)
        except ParlsearchError as error:
            raise CliError(str(error)) from error


@click.group(cls=Commands)
@click.version_option(package_name="parlsearch")
def main() -> None:
    """Parlsearch: search Dutch-language parliamentary written questions and answers."""


@main.command()
@corpus_option
@index_option
@click.option(
    "--strict", is_flag=True, help="If any file was skipped: keep the index in use, exit 1."
)
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    help="Indexing processes [2 with 2 or more cores, else 1]; any number builds the same index.",
)
def build(corpus: Path | None, index: Path | None, strict: bool, procs: int | None) -> None:
    """Build the index from the corpus and swap it in when complete."""
    paths = resolve_paths(corpus, index)
    report = _run_writer(build_index, paths.corpus, paths.index, procs=procs, strict=strict)
    _print_report(report, paths.index)
    _check_strict(report)


@main.command()
@index_option
def optimize(index: Path | None) -> None:
    """Merge the small segments that updates left into one; swap in the result."""
    paths = resolve_paths(None, index)
    merged = optimize_index(paths.index, progress=ProgressPrinter(sys.stderr.isatty()))
    for passed_over in merged.passed_over:
        click.echo(f"Beschadigd en niet gebruikt: {passed_over}", err=True)
    if not merged.segments:
        click.echo(f"Niets samen te voegen in {paths.index.resolve()}; de index in gebruik blijft.")
        return
    _print_merge(merged, paths.index)


@main.command()
@index_option
def verify(index: Path | None) -> None:
    """Check every index generation's files against its manifest, checksums included."""
    paths = resolve_paths(None, index)
    check = verify_index(paths.index)
    for generation in check.generations:
        click.echo(_generation_line(generation, check.in_use))
        if generation.shares_with:
            click.echo(
                f"  deelt bestanden met {', '.join(generation.shares_with)} (harde "
                "koppelingen): schade aan het ene is schade aan het andere"
            )
    click.echo(_current_line(check))
    if check.damaged or check.in_use is None:
        count = len(check.damaged)
        raise CliError(
            f"{counted(count, 'generatie', 'generaties')} beschadigd"
            f"{'' if check.in_use else ', geen enkele intact'}: 'parlsearch update' (of "
            "'build') maakt een intacte nieuwe uit het corpus en ruimt de beschadigde op."
        )


def _generation_line(generation: GenerationCheck, in_use: str | None) -> str:
    name = f"{generation.name}{' (in gebruik)' if generation.name == in_use else ''}"
    if generation.unfinished:
        return f"{name}: onvoltooid ({generation.fault}); het volgende schrijven ruimt haar op"
    if generation.damaged:
        return f"{name}: BESCHADIGD: {generation.fault}"
    files = counted(generation.files, "bestand", "bestanden")
    return f"{name}: intact, {files}, {generation.size / 1e6:.1f} MB"


def _current_line(check: IndexCheck) -> str:
    """What `CURRENT` names and where the readers search."""
    named = check.named_current or "geen generatie van deze index"
    if check.in_use is None:
        return f"{CURRENT_FILE} noemt {named}; geen enkele generatie is intact."
    if check.in_use == check.named_current:
        return f"{CURRENT_FILE} noemt {named}; daarin wordt gezocht."
    return f"{CURRENT_FILE} noemt {named}; gezocht wordt in {check.in_use}."


@main.command()
@corpus_option
@index_option
@click.option(
    "--strict", is_flag=True, help="If any file was skipped: keep the index in use, exit 1."
)
def update(corpus: Path | None, index: Path | None, strict: bool) -> None:
    """Add new, replace changed and remove deleted documents; swap in the result."""
    paths = resolve_paths(corpus, index)
    report = _run_writer(update_index, paths.corpus, paths.index, strict=strict)
    if report.incremental:
        if report.changed:
            nothing = "."
        elif report.made_anew and not report.refused and report.passed_over:
            nothing = (
                "; er veranderde geen document, maar wat beschadigd was (zie hieronder) is "
                "vervangen door een nieuwe, intacte index."
            )
        elif report.made_anew and not report.refused:
            nothing = (
                "; er veranderde geen document, wel de corpusbestanden (nieuw, weg of met een "
                "andere tijd): een nieuwe index houdt ze bij."
            )
        else:
            nothing = "; er veranderde niets, de index in gebruik blijft."
        click.echo(
            f"Index bijgewerkt in {paths.index.resolve()}: {report.added} toegevoegd, "
            f"{report.replaced} vervangen, {len(report.removed)} verwijderd, "
            f"{report.unchanged} ongewijzigd, {len(report.duplicates)} dubbel, "
            f"{report.skipped_count} overgeslagen" + nothing
        )
    else:
        click.echo(
            f"Geen index om bij te werken in {paths.index.resolve()} (of een van een andere "
            "versie); volledig gebouwd."
        )
    _print_report(report, paths.index)
    if report.merged is not None and report.merged.segments:
        _print_merge(report.merged, paths.index)
    _check_strict(report)


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


def _page_options(command):
    """Add the options of a page of results: --page, --limit and --json."""
    command = click.option(
        "--json", "as_json", is_flag=True, help="Print the JSON of /api/search."
    )(command)
    command = click.option(
        "--limit", type=click.IntRange(1, MAX_PER_PAGE), default=10, show_default=True
    )(command)
    return click.option("--page", type=click.IntRange(1), default=1, show_default=True)(command)


@main.command()
@click.argument("text", default="")
@index_option
@_search_options
@_page_options
def query(text: str, index: Path | None, as_json: bool, **options) -> None:
    """Search the index and print the best documents (TEXT may be empty when filtering)."""
    _print_search(text, index, as_json, options)


@main.command()
@click.argument("file", type=click.File("rb"))
@index_option
@_search_options
@_page_options
def similar(file, index: Path | None, as_json: bool, **options) -> None:
    """Print the questions most like a text: FILE, or - for standard input (as POST
    /api/similar)."""
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise CliError("De tekst is geen UTF-8.") from error
    _print_search(text, index, as_json, options, similar=True)


def _print_search(
    text: str, index: Path | None, as_json: bool, options: dict, similar: bool = False
) -> None:
    """Search for `text` with the command's options and print the page (`similar`: the
    documents like the text, which may be a long one)."""
    params = _search_params(text, options)
    params["page"] = [str(options.pop("page"))]
    params["per_page"] = [str(options.pop("limit"))]
    try:
        search = parse_request(params, posted=similar, similar=similar)
        if not search.has_criteria:
            raise QueryError(
                "Geef een tekst op." if similar else "Geef een zoekvraag of een filter op."
            )
        page = _engine(index).search(search)
    except ValueError as error:
        raise CliError(str(error)) from error
    if as_json:
        _print_json(SEARCH_PAGE.dump(page, Urls()))
        return
    _print_page(page)


@main.command()
@click.argument("name", type=click.Choice([name for name, _ in FACETS]))
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
    except ValueError as error:
        raise CliError(str(error)) from error
    if as_json:
        _print_json(FACET_PAGE.dump(page))
        return
    label = FILTER_LABELS[page.facet.name]
    values = counted(len(page.facet.values), "waarde", "waarden")
    click.echo(f"{label}: {values} over {counted(page.total, 'document', 'documenten')}")
    for value in page.facet.values:
        click.echo(f"{value.count:>7}  {value.label}")
    if page.facet.other or page.facet.missing:
        click.echo(
            f"{page.facet.other:>7}  (andere waarden)\n{page.facet.missing:>7}  (geen waarde)"
        )


@main.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name")
@index_option
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/leden/… or …")
def person(kind: str, name: str, index: Path | None, page: int, as_json: bool) -> None:
    """Print a member's (lid) or minister's page: their questions and what they add up to.
    NAME may be a surname: the page of the one person it names, else the people it may mean."""
    engine = _engine(index)
    page = parse_request({"page": [str(page)]}).page
    found = engine.person(kind, page_slug(name), page)
    if isinstance(found, PersonChoice) and len(found.people) == 1:
        person = found.people[0]
        found = engine.person(person.kind or kind, person_slug(person.label), page)
    if found is None:
        raise CliError(
            f"Geen {'parlementslid' if kind == MEMBER else 'minister'} "
            f"gevonden met de naam '{name}'."
        )
    if isinstance(found, PersonChoice):
        if as_json:
            _print_json(PERSON_CHOICE.dump(found, Urls()))
            return
        click.echo(f"'{name}' past bij {len(found.people)} personen:")
        for person in found.people:
            role = "parlementslid" if person.kind == MEMBER else "minister"
            documents = "document" if person.count == 1 else "documenten"
            click.echo(f"  {person.label} ({role}, {person.count} {documents})")
        return
    if as_json:
        _print_json(PERSON_PAGE.dump(found, Urls()))
        return
    _print_person(found)


def _print_person(page: PersonPage) -> None:
    parties = ", ".join(party.label for party in page.parties)
    path = Urls().person_at(page.kind, page.slug)
    click.echo(f"{page.name}{f' ({parties})' if parties else ''}  [{path}]")
    if page.namesakes:
        click.echo(
            f"Deze naam staat in de documenten bij {len(page.namesakes)} partijen: het kunnen "
            "verschillende personen zijn. Per partij:"
        )
        for namesake in page.namesakes:
            where = Urls().person_at(page.kind, namesake.slug)
            documents = counted(namesake.documents, "document", "documenten")
            click.echo(f"  {namesake.name} ({namesake.party}): {documents}  [{where}]")
    click.echo(
        f"{counted(page.questions, 'vraag', 'vragen')} "
        f"({counted(page.documents, 'document', 'documenten')}), {page.answered} beantwoord "
        f"({page.answered_share:.0%})"
    )
    for office in page.offices:
        click.echo(f"  {office.label}: {office.start} .. {office.end} ({office.parliament})")
    click.echo("per jaar: " + ", ".join(f"{c.label} {c.count}" for c in page.years))
    click.echo("thema's:  " + ", ".join(f"{c.label} {c.count}" for c in page.themes[:10]))
    asked = "vraagt het meest aan" if page.kind == MEMBER else "het meest gevraagd door"
    click.echo(f"{asked}: " + ", ".join(f"{c.label} {c.count}" for c in page.counterparts))
    _print_page(page.results)


def _engine(index: Path | None) -> SearchEngine:
    """The engine over the index, its generation verified first: a damaged one is named and
    passed over, as a server process does when it starts."""
    engine = SearchEngine(resolve_paths(index=index).index, resolve_time_budget())
    for damaged in engine.prepare():
        click.echo(
            f"Beschadigd en niet gebruikt: {damaged.generation.name}: {damaged.fault}", err=True
        )
    return engine


def _print_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_page(page: SearchPage) -> None:
    results = f" in {counted(page.groups, 'resultaat', 'resultaten')}"
    found = counted(page.total, "document", "documenten") + (
        results if page.groups != page.total else ""
    )
    if page.mode == SIMILAR:
        click.echo(
            f"{found} {'lijkt' if page.total == 1 else 'lijken'} op de tekst, gerangschikt op "
            "de gedeelde kenmerkende woorden: "
            f"{', '.join(page.key_words)}; gesorteerd op {page.sort}"
        )
    else:
        click.echo(f"{found} voor {page.query!r}, gesorteerd op {page.sort}")
    if page.past_the_last_page:
        click.echo(page.past_the_last_page)
    for notice in page.notices:
        click.echo(notice)
    if page.suggestion:
        click.echo(f"Bedoelde u: {page.suggestion}?")
    if page.histogram.periods:
        counts = ", ".join(f"{p.label} {p.count}" for p in page.histogram.periods if p.count)
        click.echo(f"per {page.histogram.unit}: {counts}")
    if page.histogram.outside:
        click.echo(
            f"met een onwaarschijnlijke datum (niet per periode geteld): {page.histogram.outside}"
        )
    if page.coverage is not None:
        _print_coverage(page.coverage)
    first = (page.page - 1) * page.per_page + 1
    _print_hits(page.results, first)
    if page.partial_results:
        if not page.total:
            click.echo("Geen document bevat alle woorden van de zoekvraag.")
        hold = "document bevat" if page.partial_total == 1 else "documenten bevatten"
        click.echo(
            f"\n{page.partial_total} {hold} maar een deel van de woorden (hierboven niet "
            f"meegeteld); de beste {len(page.partial_results)}:"
        )
        _print_hits(page.partial_results, 1)


def _print_hits(hits: list[Hit], first: int) -> None:
    for rank, hit in enumerate(hits, start=first):
        # A listing without query words ranks nothing: its scores are all 0.
        score = f", score {hit.score}" if hit.score else ""
        click.echo(f"\n{rank:>3}. {hit.title}  [{hit.id}{score}]")
        party = f" ({hit.party})" if hit.party else ""
        click.echo(f"     {hit.date}  {hit.member}{party}  {hit.minister_shown}".rstrip())
        if hit.copies:
            click.echo("     ook gesteld aan: " + ", ".join(c.id for c in hit.copies))
        click.echo("     " + snippet_text(hit.snippet, marker="*").replace("\n", " "))


@main.command()
@corpus_option
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=default_workers,
    show_default="the number of cores",
    help="Server processes (gunicorn; waitress runs one).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    show_default=f"{THREADS_PER_CORE} per core",
    help="Per process (gunicorn: per worker, one worker per core).",
)
@click.option(
    "--server",
    type=click.Choice([GUNICORN, WAITRESS]),
    default=default_server,
    show_default="gunicorn on Unix, else waitress",
    help="gunicorn: worker processes under a supervisor; waitress: one process, any system.",
)
def serve(
    corpus: Path | None,
    index: Path | None,
    host: str,
    port: int,
    workers: int,
    threads: int | None,
    server: str,
) -> None:
    """Serve the web interface (building the index first if there is none)."""
    from search.http.serving import ServeOptions, listen
    from search.http.serving import serve as run_server

    threads = threads or default_threads(server)

    paths = resolve_paths(corpus, index)
    try:
        # Settings and port first, so that a mistake is reported before a minutes-long build.
        config = _server_config(paths.index, host, port)
        listen(host, port).close()
    except ValueError as error:
        raise CliError(str(error)) from error
    if not index_exists(paths.index):
        click.echo(
            f"Geen index in {paths.index.resolve()} die deze versie kan lezen; "
            f"eerst bouwen uit {paths.corpus.resolve()}."
        )
        _build_in_a_child_process(paths.corpus, paths.index)
    if server == WAITRESS and workers > 1:
        if click.get_current_context().get_parameter_source("workers").name != "DEFAULT":
            click.echo("waitress draait één proces; --workers geldt alleen voor gunicorn.")
        workers = 1
    options = ServeOptions(host, port, workers, threads, server)
    processes = "1 proces" if workers == 1 else f"{workers} processen"

    def ready() -> None:
        click.echo(
            f"Bereikbaar op http://{_url_host(host)}:{port} ({server}, {processes} met elk "
            f"{threads} threads; Ctrl+C stopt)"
        )

    run_server(config, options, ready)


def _server_config(index: Path, host: str, port: int) -> dict:
    """The app config of `serve`: links from $PARLSEARCH_BASE_URL, else the bound address."""
    base_url = resolve_base_url() or f"http://{_url_host(host)}:{port}"
    return {"INDEX_DIR": str(index), "TIME_BUDGET": resolve_time_budget(), "BASE_URL": base_url}


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _build_in_a_child_process(corpus: Path, index: Path) -> None:
    """Build with `parlsearch build` in a process of its own, so that the server does not keep
    the gigabyte a build takes; its progress and report go to our output."""
    command = [sys.executable, "-m", "search", "build", "--corpus", str(corpus)]
    done = subprocess.run([*command, "--index", str(index)], check=False)
    if done.returncode != 0:
        raise CliError("Het bouwen van de index is mislukt (zie hierboven); er wordt niet gestart.")


@main.command()
@click.argument("words", nargs=-1, required=True)
def analyse(words: tuple[str, ...]) -> None:
    """Show how each word is analysed: folded form, lemma, stem, the compound split chosen with
    its parts and linking elements, the contained terms, and why (the rule, the frequencies,
    the splits rejected)."""
    for analysis in (a for text in words for a in word_analyses(text)):
        _print_word_analysis(analysis)


# The other splits `analyse` shows, best first.
MAX_CANDIDATES_SHOWN = 5


def _print_word_analysis(analysis: WordAnalysis) -> None:
    """One word's analysis, in Dutch (see `analyse`)."""
    click.echo(analysis.folded)
    terms, decision = analysis.terms, analysis.decision
    if terms is None or decision is None:
        click.echo("  stopwoord of te lang: niet geïndexeerd")
        return
    click.echo(f"  lemma:       {analysis.lemma}")
    click.echo(f"  stam:        {terms.stem}")
    click.echo(
        f"  lexicon:     Zipf {decision.zipf:.2f}" + ("" if decision.zipf else " (onbekend)")
    )
    if analysis.diminutive:
        click.echo(f"  verkleinwoord van: {analysis.diminutive}")
    word = decision.word
    if decision.parts:
        click.echo("  splitsing:   " + " | ".join(_written_part(word, p) for p in decision.parts))
        for part in decision.parts:
            click.echo(
                f"    {word[part.start : part.end]:<16} -> {part.lemma:<16} {part.rule:<20}"
                f" Zipf {part.zipf:.2f}"
            )
        smallest = " | ".join(word[p.start : p.end] for p in analysis.smallest)
        click.echo(f"  kleinste delen: {smallest}")
    else:
        click.echo("  splitsing:   geen")
    click.echo(f"  waarom:      {decision.reason}")
    click.echo(f"  bevat (~):   {', '.join(terms.contained) or '-'}")
    click.echo(f"  delen in een woordgroep: {', '.join(terms.parts) or '-'}")
    others = [c for c in decision.candidates if c.parts != decision.parts]
    if others:
        click.echo("  andere splitsingen:")
    for candidate in others[:MAX_CANDIDATES_SHOWN]:
        split = " | ".join(_written_part(word, p) for p in candidate.parts)
        reason = candidate.rejected or "minder frequente delen"
        click.echo(f"    {candidate.score:5.2f}  {split}: {reason}")


def _written_part(word: str, part: Part) -> str:
    """A part as written, with its linking element after a "+" ("gezin+s")."""
    written = word[part.start : part.end]
    return f"{written}+{part.link}" if part.link else written


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True)
def stats(index: Path | None, as_json: bool) -> None:
    """Show documents (total and per source), chunks, index size and build date."""
    engine = _engine(index)
    facts, coverage = engine.stats(), engine.coverage()
    if as_json:
        click.echo(
            json.dumps({**INDEX_STATS.dump(facts), "coverage": COVERAGE.dump(coverage)}, indent=2)
        )
        return
    click.echo(f"documenten: {facts.documents}")
    _print_coverage(coverage)
    click.echo(f"stukken:    {facts.chunks}")
    click.echo(f"grootte:    {facts.size_bytes / 1e6:.1f} MB")
    click.echo(f"gebouwd:    {facts.built}")
    click.echo(f"map:        {facts.path}")


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
    except ValueError as error:
        raise CliError(str(error)) from error
    if as_json:
        click.echo(json.dumps(EVALUATION.dump(result), indent=2, ensure_ascii=False))
        return
    _print_evaluation(result, files)


def _print_coverage(coverage: Coverage) -> None:
    """What the index holds, per parliament."""
    for parliament in coverage.parliaments:
        click.echo(
            f"  {parliament.source}: {parliament.documents} documenten "
            f"({parliament.answered} beantwoord), ingediend {parliament.first} .. {parliament.last}"
        )


def _run_writer(write, corpus: Path, index: Path, **options) -> BuildReport:
    """Run `build_index` or `update_index` with its progress shown; a missing corpus folder is
    reported in one line, as the writers' `ParlsearchError`s are (`Commands`)."""
    try:
        return write(corpus, index, progress=ProgressPrinter(sys.stderr.isatty()), **options)
    except FileNotFoundError as error:
        raise CliError(str(error)) from error


class ProgressPrinter:
    """Shows a build's progress: a line per phase (reading, indexing, writing, done), and while
    indexing a bar in a terminal, else a line with the count and rate every `EVERY` seconds."""

    EVERY = 10.0

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self._bar = None
        self._last = 0.0

    def __call__(self, progress: Progress) -> None:
        if progress.phase == READING:
            self._say("Corpus lezen …")
        elif progress.phase == INDEXING:
            self._indexing(progress)
        elif progress.phase == WRITING:
            self._close_bar()
            self._say(f"Index schrijven ({progress.done} documenten) …")
        elif progress.phase == MERGING:
            self._say(f"{progress.done} kleine segmenten samenvoegen …")
        elif progress.phase == DONE:
            self._close_bar()
            self._say(f"Klaar in {progress.seconds:.1f} s.")

    def _indexing(self, progress: Progress) -> None:
        if progress.done == 0:
            self._say(f"Indexeren van {progress.total} documenten …")
            self._last = time.monotonic()
            if self.terminal:
                from tqdm import tqdm

                self._bar = tqdm(total=progress.total, unit="doc", desc="Indexeren")
        elif self._bar is not None:
            self._bar.update(progress.done - self._bar.n)
        elif time.monotonic() - self._last >= self.EVERY or progress.done == progress.total:
            self._last = time.monotonic()
            rate = progress.done / progress.seconds if progress.seconds else 0.0
            self._say(
                f"Indexeren: {progress.done} van {progress.total} documenten "
                f"({rate:.0f} per seconde)"
            )

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    @staticmethod
    def _say(line: str) -> None:
        click.echo(line, err=True)


def _print_report(report: BuildReport, index: Path) -> None:
    """The counts that reconcile (read = indexed + duplicates), then what was left out."""
    for passed_over in report.passed_over:
        click.echo(f"Beschadigd en niet gebruikt: {passed_over}", err=True)
    where = (
        "niet in gebruik genomen (--strict)"
        if report.refused
        else f"in {index.resolve() / report.generation}"
    )
    click.echo(
        f"{report.documents_indexed} documenten geïndexeerd ({report.chunks} stukken) "
        f"van {report.documents_read} gelezen ({len(report.duplicates)} dubbel) "
        f"in {report.seconds:.1f} s, {where}."
    )
    for duplicate in report.duplicates:
        click.echo(f"dubbele id, niet opnieuw geïndexeerd: {duplicate}", err=True)
    if report.skipped:
        click.echo(f"{report.skipped_count} overgeslagen:", err=True)
        for skipped in report.skipped:
            click.echo(f"  {skipped}", err=True)


def _print_merge(merged: MergeReport, index: Path) -> None:
    click.echo(
        f"{merged.segments} kleine segmenten samengevoegd tot één ({merged.chunks} stukken in "
        f"de index) in {merged.seconds:.1f} s, in {index.resolve() / merged.generation}."
    )


def _check_strict(report: BuildReport) -> None:
    if report.refused:
        in_use = "de vorige blijft in gebruik" if report.generation else "er is geen index"
        raise CliError(
            f"{report.skipped_count} bestand(en) of regel(s) overgeslagen (--strict): de nieuwe "
            f"index is niet in gebruik genomen, {in_use}."
        )


def _print_evaluation(result: Evaluation, files: tuple[Path, ...]) -> None:
    names = [system.name for system in result.systems]
    header = " " * 12 + "".join(f"{name:>17}" for name in names)
    if result.queries:
        _print_ranking(result, names, header)
    if result.count_queries:
        _print_counts(result, names, header)
    click.echo(f"\nUit {', '.join(map(str, files))}.")


def _print_ranking(result: Evaluation, names: list[str], header: str) -> None:
    click.echo(f"{len(result.queries)} beoordeelde zoekvragen: de rangschikking\n\n{header}")
    for label, attribute in _METRICS:
        values = "".join(f"{getattr(s.scores, attribute):>17.3f}" for s in result.systems)
        click.echo(f"{label:<12}{values}")
    click.echo("\nRang van het eerste relevante document per zoekvraag (- = niet in de top 10):")
    click.echo("".join(f"{name[:10]:>11}" for name in names) + "  zoekvraag")
    for results in zip(*(system.scores.queries for system in result.systems), strict=True):
        ranks = "".join(f"{result.first_relevant_rank or '-':>11}" for result in results)
        click.echo(f"{ranks}  {results[0].query.text}")
    ours = result.systems[0].scores
    click.echo(f"\nNiet als eerste gevonden door {names[0]} ({len(ours.missed)}):")
    for missed in ours.missed:
        rank = missed.first_relevant_rank or "-"
        top = ", ".join(missed.ranking[:3])
        click.echo(
            f"  {rank!s:>2}  {missed.query.text}  (gezocht: {missed.query.relevant[0]}; top: {top})"
        )


def _print_counts(result: Evaluation, names: list[str], header: str) -> None:
    click.echo(f"\n{len(result.count_queries)} telvragen: de gevonden set\n\n{header}")
    for label, attribute in (("precisie", "precision"), ("recall", "recall"), ("F1", "f1")):
        values = "".join(f"{getattr(s.counts, attribute):>17.3f}" for s in result.systems)
        click.echo(f"{label:<12}{values}")
    click.echo("\nDocumenten gevonden / te vinden, precisie, recall per zoekvraag:")
    click.echo("".join(f"{name[:16]:>24}" for name in names) + "  zoekvraag")
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
