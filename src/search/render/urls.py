"""Every link of the site, made in one place from its routes (as datasette's `Urls` does).

`ROUTES` declares each page once, by its endpoint (the name of its view) and its rule; the web
app registers its views from them (`search.http.app`), the OpenAPI description names its paths
after them, and `Urls` makes every path of the site from them: pages and their JSON twins,
documents, permalinks, member and minister pages, searches and facets, the links of mentions
of other questions, and absolute links from the configured base URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from search.engine.fragments import Link
from search.engine.pages import Hit, person_slug
from search.engine.people import MEMBER, MINISTER
from search.engine.request import SearchRequest, query_string


@dataclass(frozen=True)
class Route:
    """One page of the site: its endpoint and its rule, with variable parts as `<name>` or
    `<converter:name>` (Werkzeug's rule syntax), and the HTTP methods it answers."""

    endpoint: str
    rule: str
    methods: tuple[str, ...] = ("GET",)


def person_endpoint(kind: str, twin: str = "html") -> str:
    """The endpoint of a member's or minister's page (`twin` "json": of its JSON twin)."""
    return f"{kind}_{twin}"


ROUTES = (
    Route("home", "/"),
    Route("coverage_json", "/api/coverage"),
    Route("help_page", "/hulp"),
    Route("search_html", "/search"),
    # The search form posts a text too long for an address (`SearchRequest.linkable`).
    Route("search_posted", "/search", ("POST",)),
    Route("search_json", "/api/search"),
    Route("similar_json", "/api/similar", ("POST",)),
    Route("search_csv", "/search.csv"),
    Route("search_excel_csv", "/search.excel.csv"),
    Route("search_ris", "/search.ris"),
    Route("search_bibtex", "/search.bib"),
    Route("search_atom", "/search.atom"),
    Route("openapi_json", "/api/openapi.json"),
    Route("document_html", "/documents/<path:id>"),
    Route("document_ris", "/documents/<path:id>.ris"),
    Route("document_bibtex", "/documents/<path:id>.bib"),
    Route("document_json", "/api/documents/<path:id>"),
    Route("facet_html", "/facetten/<name>"),
    Route("facet_json", "/api/facetten/<name>"),
    Route(person_endpoint(MEMBER), "/leden/<slug>"),
    Route(person_endpoint(MEMBER, "json"), "/api/leden/<slug>"),
    Route(person_endpoint(MINISTER), "/ministers/<slug>"),
    Route(person_endpoint(MINISTER, "json"), "/api/ministers/<slug>"),
)
# The parameter of a facet's page holding typed text that its values must contain.
FACET_TEXT = "waarde"
# The numbers of results a page that the results page offers.
PER_PAGE_CHOICES = (10, 25, 50, 100)

# The field of a posted search's page whose value is another page of that search: the
# parameters of its address but the text (`Urls.posted_params`).
POSTED_PARAMS = "zoek"

_RULES = {route.endpoint: route.rule for route in ROUTES}
_VARIABLE = re.compile(r"<(?:[^<>:]+:)?(?P<name>[^<>]+)>")


def openapi_path(endpoint: str) -> str:
    """A route's rule as an OpenAPI path template: "/api/documents/{id}"."""
    return _VARIABLE.sub(lambda variable: "{" + variable["name"] + "}", _RULES[endpoint])


class Urls:
    """The paths of the site, and its links as given out: absolute from `base_url` (the site's
    public address, never the request's `Host`), else relative."""

    def __init__(self, base_url: str = "") -> None:
        self.base_url = base_url.rstrip("/")

    def path(self, endpoint: str, **values: str) -> str:
        """The path of a route, its variable parts filled in from `values` (encoded already)."""
        return _VARIABLE.sub(lambda variable: values[variable["name"]], _RULES[endpoint])

    def absolute(self, path: str) -> str:
        """A path of this site as the link to give out."""
        return self.base_url + path

    def document(self, doc_id: str, endpoint: str = "document_html") -> str:
        """The path of a document's page (or of one of its twins), the id percent-encoded (`/`,
        `?`, `#` included)."""
        return self.path(endpoint, id=quote(doc_id, safe=""))

    def permalink(self, doc_id: str, text: str, anchor: str) -> str:
        """The document page opened at a chunk, with the words of `text` marked."""
        query = f"?{query_string([('q', text)])}" if text else ""
        return f"{self.document(doc_id)}{query}#{anchor}"

    def hit(self, hit: Hit) -> str:
        """A result's permalink: its document opened at its best chunk, the query's words
        marked."""
        return self.permalink(hit.id, hit.query_text, hit.chunk.anchor)

    def person(self, kind: str, name: str, twin: str = "html") -> str:
        """The path of a member's (`kind` "lid") or minister's page, by the slug of the name
        (`twin` "json": of its JSON twin)."""
        return self.person_at(kind, person_slug(name), twin)

    def person_at(self, kind: str, page_slug: str, twin: str = "html") -> str:
        """The path of a member's or minister's page by its slug (one of namesakes': the
        name's, then the party's)."""
        return self.path(person_endpoint(kind, twin), slug=quote(page_slug, safe=""))

    def member(self, name: str) -> str:
        """The path of a member's page."""
        return self.person(MEMBER, name)

    def minister(self, name: str) -> str:
        """The path of a minister's page."""
        return self.person(MINISTER, name)

    def query(self, text: str) -> str:
        """The path of the results page for query text."""
        return _with_params(self.path("search_html"), [("q", text)])

    def search(self, search: SearchRequest, endpoint: str = "search_html", **changes) -> str:
        """The URL of a search (changed by `changes`) on one of the results page's twins."""
        params = search.replace(**changes).params() if changes else search.params()
        return _with_params(self.path(endpoint), params)

    def export(self, search: SearchRequest, endpoint: str, **options: str) -> str:
        """The URL of an export of a search with its options (`tekst`, `bereik`): of every
        document, or with `bereik=pagina` of the results of the search's page."""
        every = options.get("bereik", "alles") == "alles"
        params = (search.replace(page=1) if every else search).params()
        return _with_params(self.path(endpoint), [*params, *options.items()])

    def posted_params(self, search: SearchRequest, **changes) -> str:
        """The parameters of a search (changed by `changes`) but its text, as an address's
        query string: what a posted search's page posts for another page of it."""
        params = search.replace(**changes).params() if changes else search.params()
        return query_string((name, value) for name, value in params if name != "q")

    def facet(self, search: SearchRequest, name: str, endpoint: str = "facet_html") -> str:
        """The page of all values of one facet counted for a search (or its JSON twin)."""
        path = self.path(endpoint, name=quote(name, safe=""))
        return _with_params(path, search.replace(page=1).params())

    def reference(self, link: Link) -> str:
        """Where a mention of another question leads: the cited document, else a search for
        the mention."""
        return self.document(link.document) if link.document else self.query(link.search)


def _with_params(path: str, params: list[tuple[str, str]]) -> str:
    return path + ("?" + query_string(params) if params else "")
