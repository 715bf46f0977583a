"""The Flask web layer: thin views over the search core, each page with its JSON twin."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.config import resolve_paths
from search.indexing import NoIndexError
from search.parse_flemish import DUTCH_MONTHS
from search.query import QueryError
from search.searching import DEFAULT_PER_PAGE, SearchEngine, SearchPage
from search.serialize import document_dict, search_page_dict

_MONTH_NAMES = {number: name for name, number in DUTCH_MONTHS.items()}
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
    """Create the web app; `config` may set INDEX_DIR (else $PARLSEARCH_INDEX, else ./index)."""
    web = resources.files("search.web")
    app = Flask(
        __name__,
        template_folder=str(web / "templates"),
        static_folder=str(web / "static"),
    )
    app.config.from_mapping(INDEX_DIR=None)
    app.config.update(config or {})
    index_dir = resolve_paths(index=app.config["INDEX_DIR"]).index
    app.config["INDEX_DIR"] = str(index_dir)
    app.extensions["parlsearch"] = SearchEngine(index_dir)
    app.jinja_env.filters["dutch_date"] = dutch_date
    _register_views(app)
    _register_errors(app)
    app.after_request(_add_security_headers)
    return app


def dutch_date(iso: str) -> str:
    """ "2019-12-09" -> "9 december 2019"."""
    if not iso:
        return ""
    date = dt.date.fromisoformat(iso)
    return f"{date.day} {_MONTH_NAMES[date.month]} {date.year}"


def _engine() -> SearchEngine:
    from flask import current_app

    return current_app.extensions["parlsearch"]


def search_from_request() -> SearchPage | None:
    """The results page for the request's parameters (q, page, per_page); None without a query."""
    text = request.args.get("q", "")
    if not text.strip():
        return None
    page = _int_arg("page", 1)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE)
    return _engine().search(text, page=page, per_page=per_page)


def _int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise QueryError(f"De parameter '{name}' moet een positief geheel getal zijn.")
    return int(value)


def _register_views(app: Flask) -> None:
    @app.get("/")
    def home() -> str:
        return render_template("index.html", query="")

    @app.get("/search")
    def search_html() -> str:
        page = search_from_request()
        if page is None:
            return render_template("index.html", query="")
        return render_template("results.html", page=page, query=page.query)

    @app.get("/api/search")
    def search_json() -> Response:
        page = search_from_request()
        if page is None:
            raise QueryError("Geef een zoekvraag op met de parameter 'q'.")
        return jsonify(search_page_dict(page))

    @app.get("/documents/<doc_id>")
    def document_html(doc_id: str) -> str:
        document = _engine().document(doc_id, request.args.get("q", ""))
        if document is None:
            abort(404)
        return render_template("document.html", document=document, query=document.query)

    @app.get("/api/documents/<doc_id>")
    def document_json(doc_id: str) -> Response:
        document = _engine().document(doc_id, request.args.get("q", ""))
        if document is None:
            abort(404)
        return jsonify(document_dict(document))


def _register_errors(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return _error(400, str(error))

    @app.errorhandler(NoIndexError)
    def no_index(error: NoIndexError):
        return _error(503, "De zoekindex is nog niet gebouwd. Voer 'parlsearch build' uit.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {404: "Deze pagina bestaat niet.", 405: "Deze methode is niet toegestaan."}
        return _error(error.code or 500, messages.get(error.code, error.description or ""))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error", exc_info=error)
        return _error(500, "Er ging iets mis aan onze kant. Probeer het later opnieuw.")


def _error(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    query = request.args.get("q", "")
    return render_template("error.html", status=status, message=message, query=query), status


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
