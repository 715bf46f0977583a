"""The Flask web layer: thin views over the search core, each page with its JSON twin, registered
from the site's one declaration of its routes (`search.render.urls.ROUTES`)."""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    stream_with_context,
)
from werkzeug.exceptions import HTTPException

from search.config import resolve_base_url, resolve_paths, resolve_time_budget
from search.engine.export_rows import EXPORT_LIMIT
from search.engine.pages import FacetPage
from search.engine.people import KINDS, PersonPage
from search.engine.query import MAX_QUERY_LENGTH
from search.engine.request import NEWEST, SORTS, SearchRequest, parse_request
from search.engine.searching import SearchEngine
from search.errors import INTERNAL_ERROR, ParlsearchError
from search.index.generations.folders import NoIndexError
from search.ingest.parse_flemish import dutch_date as format_dutch_date
from search.render.export import atom_feed, csv_lines
from search.render.highlight import marked_html, snippet_html
from search.render.labels import ANSWERED_LABELS, FILTER_LABELS, MATCH_LABELS
from search.render.openapi import openapi_spec
from search.render.shapes import COVERAGE, DOCUMENT, ERROR, FACET_PAGE, PERSON_PAGE, SEARCH_PAGE
from search.render.urls import FACET_TEXT, ROUTES, Urls, person_endpoint

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


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
    app.config.from_mapping(DEBUG=False, INDEX_DIR=None, TIME_BUDGET=None, BASE_URL=None)
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
        marked_html=functools.partial(marked_html, href=urls.reference),
    )
    app.jinja_env.globals.update(
        urls=urls,
        FILTER_LABELS=FILTER_LABELS,
        MATCH_LABELS=MATCH_LABELS,
        ANSWERED_LABELS=ANSWERED_LABELS,
        SORTS=SORTS,
        FACET_TEXT=FACET_TEXT,
        MAX_QUERY_LENGTH=MAX_QUERY_LENGTH,
    )
    for route in ROUTES:
        app.add_url_rule(route.rule, route.endpoint, _VIEWS[route.endpoint], methods=["GET"])
    _register_errors(app)
    app.after_request(_add_security_headers)
    return app


def dutch_date(iso: str) -> str:
    """ "2019-12-09" -> "9 december 2019"."""
    return format_dutch_date(dt.date.fromisoformat(iso)) if iso else ""


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


def search_json() -> Response:
    """The results page as JSON."""
    return jsonify(SEARCH_PAGE.dump(_engine().search(search_request()), _urls()))


def search_csv() -> Response:
    """Every matching document as CSV, streamed."""
    export = _engine().export(search_request())
    lines = csv_lines(export.documents, _urls())
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="parlsearch.csv"'
    response.headers["X-Total-Count"] = str(export.total)
    response.headers["X-Export-Limit"] = str(EXPORT_LIMIT)
    return response


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


def person_html(kind: str, slug: str) -> str:
    """A member's or minister's page."""
    return render_template("person.html", page=_person_page(kind, slug), query="")


def person_json(kind: str, slug: str) -> Response:
    """A member's or minister's page as JSON."""
    return jsonify(PERSON_PAGE.dump(_person_page(kind, slug), _urls()))


_VIEWS = {
    view.__name__: view
    for view in (
        home,
        coverage_json,
        help_page,
        search_html,
        search_json,
        search_csv,
        search_atom,
        openapi_json,
        document_html,
        document_json,
        facet_html,
        facet_json,
    )
} | {
    person_endpoint(kind, twin): functools.partial(view, kind)
    for kind in KINDS
    for twin, view in (("html", person_html), ("json", person_json))
}


def _person_page(kind: str, slug: str) -> PersonPage:
    page = parse_request({"page": request.args.getlist("page")}).page
    person = _engine().person(kind, slug, page)
    if person is None:
        abort(404)
    return person


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
        return _error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {404: "Deze pagina bestaat niet.", 405: "Deze methode is niet toegestaan."}
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


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
