"""The Flask web layer: thin views over the search core, each page with its JSON twin, registered
from the site's one declaration of its routes (`search.render.urls.ROUTES`)."""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
)
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from search.config import resolve_base_url, resolve_paths, resolve_time_budget
from search.engine.export_rows import EXPORT_LIMIT
from search.engine.histogram import Gap, bars
from search.engine.pages import FacetPage
from search.engine.people import KINDS, PersonChoice, PersonPage
from search.engine.query import MAX_QUERY_LENGTH
from search.engine.request import (
    MAX_ADDRESS_TEXT,
    MAX_TEXT_LENGTH,
    NEWEST,
    QUERY_WORDS,
    SORTS,
    TEXT_LIMIT,
    SearchRequest,
    parse_request,
    parse_similar,
)
from search.engine.searching import SearchEngine
from search.errors import INTERNAL_ERROR, ParlsearchError
from search.index.generations.folders import NoIndexError
from search.ingest.parse_flemish import dutch_date as format_dutch_date
from search.render.bibliography import (
    BIBTEX_TYPE,
    RIS_TYPE,
    bibtex_entries,
    bibtex_entry,
    highwire_tags,
    reference,
    ris_record,
    ris_records,
)
from search.render.export import EXCEL_CSV, PLAIN_CSV, SCOPE, TEXTS, CsvFormat, atom_feed, csv_lines
from search.render.highlight import marked_html, snippet_html, title_html
from search.render.hyphenation import soft_hyphens
from search.render.labels import (
    ANSWERED_LABELS,
    FILTER_LABELS,
    MATCH_LABELS,
    MATCHED_THROUGH_LABELS,
    counted,
)
from search.render.links import search_link
from search.render.openapi import openapi_spec
from search.render.shapes import (
    COVERAGE,
    DOCUMENT,
    ERROR,
    FACET_PAGE,
    PERSON_CHOICE,
    PERSON_PAGE,
    SEARCH_PAGE,
)
from search.render.urls import (
    FACET_TEXT,
    PER_PAGE_CHOICES,
    POSTED_PARAMS,
    ROUTES,
    Urls,
    person_endpoint,
)

# The status of a page that lists the people a surname may mean, instead of one person's page.
MULTIPLE_CHOICES = 300

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# The largest request body read: a text of `MAX_TEXT_LENGTH` characters and every filter's
# values, posted by the form or as JSON, written out in escapes at worst.
MAX_CONTENT_LENGTH = 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the web app.

    `config` may set INDEX_DIR (else $PARLSEARCH_INDEX, else ./index), TIME_BUDGET, the
    seconds one search may run (else $PARLSEARCH_TIME_BUDGET, else 10; 0: no limit), and
    BASE_URL, the site's public address for absolute links (else $PARLSEARCH_BASE_URL, else
    none: links relative to the site).
    """
    web = resources.files("search.web")
    app = Flask(
        __name__,
        template_folder=str(web / "templates"),
        static_folder=str(web / "static"),
    )
    # Never the debugger, whatever $FLASK_DEBUG says: it would show tracebacks and run code.
    app.config.from_mapping(
        DEBUG=False,
        INDEX_DIR=None,
        TIME_BUDGET=None,
        BASE_URL=None,
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
    )
    app.config.update(config or {})
    index_dir = resolve_paths(index=app.config["INDEX_DIR"]).index
    app.config["INDEX_DIR"] = str(index_dir)
    app.config["TIME_BUDGET"] = resolve_time_budget(app.config["TIME_BUDGET"])
    app.config["BASE_URL"] = resolve_base_url(app.config["BASE_URL"])
    app.extensions["parlsearch"] = SearchEngine(index_dir, app.config["TIME_BUDGET"])
    # Links are never built from the request's `Host` header, which the client chooses.
    urls = app.extensions["parlsearch.urls"] = Urls(app.config["BASE_URL"])
    app.jinja_env.filters.update(
        dutch_date=dutch_date,
        snippet_html=snippet_html,
        marked_html=functools.partial(marked_html, href=urls.reference, hyphenate=True),
        hyphenate=soft_hyphens,
    )
    app.jinja_env.tests.update(gap=is_gap)
    app.jinja_env.globals.update(
        urls=urls,
        FILTER_LABELS=FILTER_LABELS,
        MATCH_LABELS=MATCH_LABELS,
        MATCHED_THROUGH_LABELS=MATCHED_THROUGH_LABELS,
        title_html=title_html,
        ANSWERED_LABELS=ANSWERED_LABELS,
        SORTS=SORTS,
        FACET_TEXT=FACET_TEXT,
        PER_PAGE_CHOICES=PER_PAGE_CHOICES,
        EXPORT_LIMIT=EXPORT_LIMIT,
        counted=counted,
        histogram_bars=bars,
        highwire_tags=functools.partial(highwire_tags, urls=urls),
        search_link=functools.partial(search_link, urls),
        POSTED_PARAMS=POSTED_PARAMS,
        MAX_TEXT_LENGTH=MAX_TEXT_LENGTH,
        MAX_ADDRESS_TEXT=MAX_ADDRESS_TEXT,
        QUERY_WORDS=QUERY_WORDS,
        TEXT_LIMIT=TEXT_LIMIT,
        MAX_QUERY_LENGTH=MAX_QUERY_LENGTH,
    )
    # A path is matched as sent: a document id may hold "//" (percent-encoded in every link), a
    # name may start with "/" ("/leden//x"); merging the slashes with a redirect would lead to
    # another document or person.
    app.url_map.merge_slashes = False
    for route in ROUTES:
        view = _VIEWS[route.endpoint]
        app.add_url_rule(route.rule, route.endpoint, view, methods=list(route.methods))
    _register_errors(app)
    app.after_request(_add_security_headers)
    app.after_request(_redirect_within_the_site)
    return app


def dutch_date(iso: str) -> str:
    """ "2019-12-09" -> "9 december 2019"."""
    return format_dutch_date(dt.date.fromisoformat(iso)) if iso else ""


def is_gap(bar: object) -> bool:
    """Whether a bar of the time chart is a folded run of empty periods."""
    return isinstance(bar, Gap)


def _engine() -> SearchEngine:
    return current_app.extensions["parlsearch"]


def _urls() -> Urls:
    return current_app.extensions["parlsearch.urls"]


def _request_path() -> str:
    """The path and query string of this request, percent-encoded as sent."""
    query = request.query_string.decode("latin-1")
    return quote(request.path) + (f"?{query}" if query else "")


def search_request() -> SearchRequest:
    """The search the request's parameters ask for (the same for every twin of the page).

    Without query text or filters it lists every document; only the HTML page shows the search
    form instead.
    """
    return parse_request(request.args.to_dict(flat=False))


# The views, by endpoint: `ROUTES` (search.render.urls) gives each its rule.


def home() -> str:
    """The search form, with what the index holds (nothing said when there is no index yet)."""
    try:
        coverage = _engine().coverage()
    except NoIndexError:
        coverage = None
    return render_template("index.html", query="", coverage=coverage)


def coverage_json() -> Response:
    """What the index holds, as JSON."""
    return jsonify(COVERAGE.dump(_engine().coverage()))


def help_page() -> str:
    """The help page on searching."""
    return render_template("hulp.html", query="")


def search_html() -> str:
    """The results page (the search form without query text or filters)."""
    search = search_request()
    if not search.has_criteria:
        return home()
    page = _engine().search(search)
    return render_template("results.html", page=page, search=search, query=search.q)


def search_posted() -> Response | str:
    """A search the form posted (a text too long for an address): its results page, whose links
    post it again (`POSTED_PARAMS`); a search that fits an address is sent there."""
    fields = request.form.to_dict(flat=False)
    if POSTED_PARAMS in fields:
        # Another page of a posted search: its text, and the parameters the link names.
        other = parse_qs(fields[POSTED_PARAMS][0], keep_blank_values=True)
        fields = {**other, "q": fields.get("q", [])}
    search = parse_request(fields, posted=True)
    if search.linkable:
        return redirect(_urls().search(search), 303)
    page = _engine().search(search)
    return render_template("results.html", page=page, search=search, query="")


def search_json() -> Response:
    """The results page as JSON."""
    return jsonify(SEARCH_PAGE.dump(_engine().search(search_request()), _urls()))


def similar_json() -> Response:
    """The documents like a posted text (`{"text": …}`), as /api/search gives a page."""
    if not request.is_json:
        raise UnsupportedMediaType()
    search = parse_similar(request.get_json(silent=True))
    return jsonify(SEARCH_PAGE.dump(_engine().search(search), _urls()))


def search_csv() -> Response:
    """Every matching document as CSV for programs, streamed."""
    return _csv_export(PLAIN_CSV, "parlsearch.csv")


def search_excel_csv() -> Response:
    """Every matching document as CSV for Excel, streamed."""
    return _csv_export(EXCEL_CSV, "parlsearch-excel.csv")


def search_ris() -> Response:
    """Every matching document (or the page's results) as RIS records, streamed."""
    return _reference_export(ris_records, RIS_TYPE, "parlsearch.ris")


def search_bibtex() -> Response:
    """Every matching document (or the page's results) as BibTeX entries, streamed."""
    return _reference_export(bibtex_entries, BIBTEX_TYPE, "parlsearch.bib")


def search_atom() -> Response:
    """The newest matching documents as an Atom feed."""
    search = search_request().replace(sort=NEWEST)
    page = _engine().search(search)
    urls = _urls()
    feed = atom_feed(
        page,
        urls,
        feed_url=urls.absolute(_request_path()),
        html_url=urls.absolute(urls.search(search)),
    )
    return Response(feed, mimetype="application/atom+xml")


def openapi_json() -> Response:
    """The OpenAPI description of the JSON API."""
    return jsonify(openapi_spec())


def document_html(id: str) -> str:
    """A document's page, its words of `q` marked."""
    document = _engine().document(id, request.args.get("q", ""))
    if document is None:
        abort(404)
    return render_template("document.html", document=document, query=document.query)


def document_ris(id: str) -> Response:
    """A document as a RIS record."""
    return _document_reference(id, ris_record, RIS_TYPE, "ris")


def document_bibtex(id: str) -> Response:
    """A document as a BibTeX entry."""
    return _document_reference(id, bibtex_entry, BIBTEX_TYPE, "bib")


def document_json(id: str) -> Response:
    """A document's page as JSON."""
    document = _engine().document(id, request.args.get("q", ""))
    if document is None:
        abort(404)
    return jsonify(DOCUMENT.dump(document, _urls()))


def facet_html(name: str) -> str:
    """All values of one facet for a search."""
    page = _facet_page(name)
    search = page.request
    return render_template("facet.html", page=page, search=search, query=search.q)


def facet_json(name: str) -> Response:
    """All values of one facet for a search, as JSON."""
    return jsonify(FACET_PAGE.dump(_facet_page(name)))


def person_html(kind: str, slug: str) -> str | Response:
    """A member's or minister's page; for a surname, the page of the one person who bears it
    or, as 300 Multiple Choices, the choice of those who do."""
    found = _person(kind, slug, "html")
    if isinstance(found, Response):
        return found
    if isinstance(found, PersonChoice):
        page = render_template("person_choice.html", choice=found, query="")
        return make_response(page, MULTIPLE_CHOICES)
    return render_template("person.html", page=found, query="")


def person_json(kind: str, slug: str) -> Response:
    """A member's or minister's page as JSON (for a surname, as `person_html`)."""
    found = _person(kind, slug, "json")
    if isinstance(found, Response):
        return found
    if isinstance(found, PersonChoice):
        return make_response(jsonify(PERSON_CHOICE.dump(found, _urls())), MULTIPLE_CHOICES)
    return jsonify(PERSON_PAGE.dump(found, _urls()))


_VIEWS = {
    view.__name__: view
    for view in (
        home,
        coverage_json,
        help_page,
        search_html,
        search_posted,
        search_json,
        similar_json,
        search_csv,
        search_excel_csv,
        search_ris,
        search_bibtex,
        search_atom,
        openapi_json,
        document_html,
        document_ris,
        document_bibtex,
        document_json,
        facet_html,
        facet_json,
    )
} | {
    person_endpoint(kind, twin): functools.partial(view, kind)
    for kind in KINDS
    for twin, view in (("html", person_html), ("json", person_json))
}


def _csv_export(form: CsvFormat, filename: str) -> Response:
    """Every matching document as CSV in `form`, with their texts if asked (`tekst=ja`)."""
    texts = TEXTS.read(request.args.to_dict(flat=False)) == "ja"
    export = _engine().export(search_request(), texts=texts)
    lines = csv_lines(export.documents, _urls(), form, texts=texts)
    return _download(lines, "text/csv", filename, export.total)


def _reference_export(write, media_type: str, filename: str) -> Response:
    """The search's documents for a reference manager: all of them, or the page's results
    (`bereik=pagina`), each written by `write`."""
    page = SCOPE.read(request.args.to_dict(flat=False)) == "pagina"
    export = _engine().export(search_request(), texts=True, page=page)
    return _download(write(export.documents, _urls()), media_type, filename, export.total)


def _download(chunks, media_type: str, filename: str, total: int) -> Response:
    """A streamed export, saved as `filename`; `X-Total-Count` says how many documents match."""
    response = Response(stream_with_context(chunks), content_type=_utf8(media_type))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Total-Count"] = str(total)
    response.headers["X-Export-Limit"] = str(EXPORT_LIMIT)
    return response


def _document_reference(id: str, write, media_type: str, extension: str) -> Response:
    document = _engine().document(id)
    if document is None:
        abort(404)
    ref = reference(document.exported(), _urls())
    response = Response(write(ref), content_type=_utf8(media_type))
    response.headers["Content-Disposition"] = f'attachment; filename="{ref.key}.{extension}"'
    return response


def _utf8(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def _person(kind: str, slug: str, twin: str) -> PersonPage | PersonChoice | Response:
    """The person's page; for a surname that names one person, the redirect to their page
    (its `twin`), keeping the page asked for; else the choice of people it may mean."""
    page = parse_request({"page": request.args.getlist("page")}).page
    found = _engine().person(kind, slug, page)
    if found is None:
        abort(404)
    if isinstance(found, PersonChoice) and len(found.people) == 1:
        person = found.people[0]
        path = _urls().person(person.kind or kind, person.label, twin)
        return redirect(path + (f"?page={page}" if page != 1 else ""))
    return found


def _facet_page(name: str) -> FacetPage:
    """All values of a facet for the request's search, narrowed to those holding `waarde`."""
    page = _engine().facet(search_request(), name, request.args.get(FACET_TEXT, ""))
    if page is None:
        abort(404)
    return page


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ParlsearchError)
    def parlsearch_error(error: ParlsearchError):
        if error.status == 500:
            # A fault on our side whatever its class: logged as any unexpected error is.
            app.logger.exception("unexpected error", exc_info=error)
        elif error.public_message is not None:
            # Its own text names something of the server's (the index folder): for the log.
            app.logger.error("%s", error)
        return _error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: "Deze pagina bestaat niet.",
            405: "Deze methode is niet toegestaan.",
            413: "De aanvraag is te groot.",
            415: 'Stuur de tekst als JSON (Content-Type: application/json): {"text": "…"}.',
        }
        response = _error(error.code or 500, messages.get(error.code, error.description or ""))
        # Keep the headers the error comes with, such as the `Allow` of a 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error", exc_info=error)
        return _error(500, INTERNAL_ERROR)


def _error(status: int, message: str) -> Response:
    if request.path.startswith("/api/"):
        return make_response(jsonify(ERROR.dump((status, message))), status)
    query = request.args.get("q", "")
    page = render_template("error.html", status=status, message=message, query=query)
    return make_response(page, status)


def _redirect_within_the_site(response: Response) -> Response:
    """Werkzeug builds the address of its own redirects (a rule's trailing slash added, a
    path's `//` merged, which `merge_slashes` turns off) from the request's `Host` header,
    which the client chooses: they go to the site's own address instead, from its base URL or
    else relative."""
    location = response.headers.get("Location")
    if location:
        target = urlsplit(location)
        if target.scheme or target.netloc or target.path.startswith("//"):
            path = "/" + target.path.lstrip("/") + (f"?{target.query}" if target.query else "")
            response.headers["Location"] = _urls().absolute(path)
    return response


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
