"""The Flask web layer: thin views over the search core, each page with its JSON twin."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from flask import (
    Flask,
    Response,
    abort,
    jsonify,
    make_response,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.exceptions import HTTPException

from search.config import resolve_base_url, resolve_paths, resolve_time_budget
from search.engine.explain import MATCH_LABELS
from search.engine.filters import FILTER_LABELS
from search.engine.limits import SearchTimeout
from search.engine.pages import FACET_TEXT, FacetPage
from search.engine.people import MEMBER, MINISTER, PersonPage
from search.engine.query import QueryError
from search.engine.request import NEWEST, SORTS, SearchRequest, parse_request
from search.engine.searching import EXPORT_LIMIT, SearchEngine
from search.index.generations.folders import DamagedIndexError, IndexVersionError, NoIndexError
from search.ingest.parse_flemish import dutch_date as format_dutch_date
from search.render.export import atom_feed, csv_lines
from search.render.openapi import openapi_spec
from search.render.serialize import (
    coverage_dict,
    document_dict,
    facet_page_dict,
    person_page_dict,
    search_page_dict,
)

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
    app.jinja_env.filters["dutch_date"] = dutch_date
    app.jinja_env.globals.update(
        search_href=search_href,
        facet_href=facet_href,
        site_url=site_url,
        FILTER_LABELS=FILTER_LABELS,
        SORTS=SORTS,
        WHY_LABELS=MATCH_LABELS,
        FACET_TEXT=FACET_TEXT,
    )
    _register_views(app)
    _register_errors(app)
    app.after_request(_add_security_headers)
    return app


def dutch_date(iso: str) -> str:
    """ "2019-12-09" -> "9 december 2019"."""
    return format_dutch_date(dt.date.fromisoformat(iso)) if iso else ""


def site_url(path: str) -> str:
    """A path of this site as the link to give out: absolute from the configured BASE_URL,
    else as it is (relative). Never built from the request's `Host` header, which the client
    chooses."""
    return _base_url() + path


def _base_url() -> str:
    from flask import current_app

    return current_app.config["BASE_URL"]


def _engine() -> SearchEngine:
    from flask import current_app

    return current_app.extensions["parlsearch"]


def _request_path() -> str:
    """The path and query string of this request, percent-encoded as sent."""
    query = request.query_string.decode("latin-1")
    return quote(request.path) + (f"?{query}" if query else "")


def search_href(search: SearchRequest, endpoint: str = "search_html", **changes) -> str:
    """The URL of a search (changed by `changes`) on one of the results page's twins."""
    params = search.replace(**changes).params() if changes else search.params()
    return _with_params(url_for(endpoint), params)


def facet_href(search: SearchRequest, name: str, endpoint: str = "facet_html") -> str:
    """The page of all values of one facet counted for a search (or its JSON twin)."""
    return _with_params(url_for(endpoint, name=name), search.replace(page=1).params())


def _with_params(path: str, params: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(params) if params else "")


def search_request() -> SearchRequest:
    """The search the request's parameters ask for (the same for every twin of the page).

    Without query text or filters it lists every document; only the HTML page shows the search
    form instead.
    """
    return parse_request(request.args.to_dict(flat=False))


def _register_views(app: Flask) -> None:
    @app.get("/")
    def home() -> str:
        return _home()

    @app.get("/api/coverage")
    def coverage_json() -> Response:
        return jsonify(coverage_dict(_engine().coverage()))

    @app.get("/hulp")
    def help_page() -> str:
        return render_template("hulp.html", query="")

    @app.get("/search")
    def search_html() -> str:
        search = search_request()
        if not search.has_criteria:
            return _home()
        page = _engine().search(search)
        return render_template("results.html", page=page, search=search, query=search.q)

    @app.get("/api/search")
    def search_json() -> Response:
        return jsonify(search_page_dict(_engine().search(search_request())))

    @app.get("/search.csv")
    def search_csv() -> Response:
        export = _engine().export(search_request())
        lines = csv_lines(export.documents, _base_url())
        response = Response(stream_with_context(lines), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="parlsearch.csv"'
        response.headers["X-Total-Count"] = str(export.total)
        response.headers["X-Export-Limit"] = str(EXPORT_LIMIT)
        return response

    @app.get("/search.atom")
    def search_atom() -> Response:
        search = search_request().replace(sort=NEWEST)
        page = _engine().search(search)
        feed = atom_feed(
            page,
            feed_url=site_url(_request_path()),
            html_url=site_url(search_href(search)),
            base_url=_base_url(),
        )
        return Response(feed, mimetype="application/atom+xml")

    @app.get("/api/openapi.json")
    def openapi_json() -> Response:
        return jsonify(openapi_spec())

    @app.get("/documents/<path:doc_id>")
    def document_html(doc_id: str) -> str:
        document = _engine().document(doc_id, request.args.get("q", ""))
        if document is None:
            abort(404)
        return render_template("document.html", document=document, query=document.query)

    @app.get("/api/documents/<path:doc_id>")
    def document_json(doc_id: str) -> Response:
        document = _engine().document(doc_id, request.args.get("q", ""))
        if document is None:
            abort(404)
        return jsonify(document_dict(document, _base_url()))

    @app.get("/facetten/<name>")
    def facet_html(name: str) -> str:
        page = _facet_page(name)
        search = page.request
        return render_template("facet.html", page=page, search=search, query=search.q)

    @app.get("/api/facetten/<name>")
    def facet_json(name: str) -> Response:
        return jsonify(facet_page_dict(_facet_page(name)))

    _register_person_views(app)


def _register_person_views(app: Flask) -> None:
    """A page per member (/leden/<slug>) and per minister (/ministers/<slug>), with JSON twins."""
    for kind, path in ((MEMBER, "leden"), (MINISTER, "ministers")):

        def person_html(slug: str, kind: str = kind) -> str:
            page = _person_page(kind, slug)
            return render_template("person.html", page=page, query="")

        def person_json(slug: str, kind: str = kind) -> Response:
            return jsonify(person_page_dict(_person_page(kind, slug)))

        app.add_url_rule(f"/{path}/<slug>", f"{kind}_html", person_html, methods=["GET"])
        app.add_url_rule(f"/api/{path}/<slug>", f"{kind}_json", person_json, methods=["GET"])


def _home() -> str:
    """The search form, with what the index holds (nothing said when there is no index yet)."""
    try:
        coverage = _engine().coverage()
    except NoIndexError:
        coverage = None
    return render_template("index.html", query="", coverage=coverage)


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
    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return _error(400, str(error))

    @app.errorhandler(NoIndexError)
    def no_index(error: NoIndexError):
        return _error(503, "De zoekindex is nog niet gebouwd. Voer 'parlsearch build' uit.")

    @app.errorhandler(DamagedIndexError)
    def damaged_index(error: DamagedIndexError):
        return _error(503, str(error))

    @app.errorhandler(IndexVersionError)
    def index_of_another_version(error: IndexVersionError):
        return _error(
            503,
            "De zoekindex is gebouwd door een andere versie van Parlsearch. "
            "Voer 'parlsearch build' uit.",
        )

    @app.errorhandler(SearchTimeout)
    def timeout(error: SearchTimeout):
        return _error(503, str(error))

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
        return _error(500, "Er ging iets mis aan onze kant. Probeer het later opnieuw.")


def _error(status: int, message: str) -> Response:
    if request.path.startswith("/api/"):
        return make_response(jsonify({"error": {"status": status, "message": message}}), status)
    query = request.args.get("q", "")
    page = render_template("error.html", status=status, message=message, query=query)
    return make_response(page, status)


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
