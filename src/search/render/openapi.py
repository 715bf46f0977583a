"""The OpenAPI 3.1 description of the JSON API and the CSV and Atom twins, served at
`/api/openapi.json`. Limits and choices come from the modules that enforce them; the tests check
real responses against these schemas, which allow no undocumented properties."""

from __future__ import annotations

from search.engine.export_rows import EXPORT_LIMIT
from search.engine.filters import (
    FILTER_NAMES,
    LIST_FILTERS,
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    STATUSES,
    TEXT_FILTERS,
)
from search.engine.people import MEMBER, MINISTER, PER_PAGE
from search.engine.query import MAX_QUERY_LENGTH
from search.engine.request import (
    DEFAULT_PER_PAGE,
    MAX_DEPTH,
    MAX_PER_PAGE,
    MAX_TEXT_LENGTH,
    QUERY_WORDS,
    SCOPES,
    SORTS,
)
from search.ingest.document import SOURCE_NAMES
from search.render.bibliography import BIBTEX_TYPE, RIS_TYPE
from search.render.export import CSV_COLUMNS, SCOPE, TEXTS, ExportOption
from search.render.shapes import (
    API_SHAPES,
    COVERAGE,
    DOCUMENT,
    ERROR,
    FACET_NAMES,
    FACET_PAGE,
    PERSON_CHOICE,
    PERSON_PAGE,
    SEARCH_PAGE,
)
from search.render.urls import FACET_TEXT, openapi_path, person_endpoint

_STRING = {"type": "string"}

_FILTER_DESCRIPTIONS = {
    "lid": "Vraagsteller: exact een naam uit de facetten, of woorden uit de naam.",
    "partij": "Partij van de vraagsteller (bv. N-VA).",
    "minister": "Minister aan wie de vraag gesteld is (naam of titel, of woorden daaruit).",
    "thema": "Thema van de vraag (bv. NMBS), of woorden daaruit.",
    "bron": "Parlement.",
    "jaar": "Jaar van indiening.",
    "status": "Beantwoord of niet.",
    "van": "Ingediend op of na deze datum.",
    "tot": "Ingediend op of voor deze datum.",
}
# A parameter given once per value: `partij=MR&partij=N-VA`.
_REPEATED = {"style": "form", "explode": True}
# What the API searches and how, as the description's introduction.
_DESCRIPTION = (
    "Zoeken in schriftelijke vragen en antwoorden van het Vlaams Parlement en de "
    "Kamer. Alle zoekpagina's nemen dezelfde parameters; meerdere waarden van één "
    "filter combineren met OF, verschillende filters met EN. Wat een zoekvraag "
    "vindt: een woord vindt de documenten met dat woord in een of andere vorm "
    "(ziekenhuis, ziekenhuizen), in een samenstelling (kerncentrale in "
    "kerncentralesite) of, voor een samenstelling, met haar delen als losse woorden "
    "in een woordgroep met die betekenis (directeur van de gevangenis voor "
    "gevangenisdirecteur, drugs gebruiken voor drugsgebruik); één deel alleen, of een "
    "deel in een andere samenstelling, telt nooit, behalve het hoofdwoord vooraan in een "
    "samenstelling voor het voorzetsel (preventiemaatregelen tegen burn-out voor "
    "burn-outpreventie). Meerdere woorden vinden de "
    "documenten met elk van de woorden "
    "(stopwoorden zoals 'van' en 'de' niet meegerekend), tenzij OF/OR ze scheidt. "
    "Een zinsdeel tussen aanhalingstekens vindt die woorden in die volgorde, een "
    "patroon (trein*) de woorden die zo beginnen. total en de facetten tellen alleen "
    "documenten met elk woord; documenten met een deel van de woorden staan apart in "
    "partial_results (partial_total), na de laatste pagina met volledige treffers."
)
_CSV_SUMMARY = (
    f"Alle overeenkomende documenten (hoogstens {EXPORT_LIMIT}) als CSV, met de "
    "kolommen " + ", ".join(CSV_COLUMNS) + ". minister: de persoon (leeg als niet "
    "vaststaat wie de portefeuille had), portfolio: de portefeuille, answered: 1 of "
    "0, passage: de best passende passage als tekst."
)
_EXCEL_SUMMARY = (
    "Dezelfde CSV voor Excel met Belgische of Nederlandse instellingen: puntkomma's, "
    "UTF-8 met byte order mark, datums als dd/mm/jjjj, cellen van hoogstens 32767 tekens."
)
_RIS_SUMMARY = (
    f"Alle overeenkomende documenten (hoogstens {EXPORT_LIMIT}), of de resultaten van één "
    "pagina, als RIS voor Zotero, EndNote en andere literatuurbeheerders: elk document een "
    "rapport (RPRT) van zijn parlement, de vraagsteller als auteur, de vraag als abstract."
)
_BIBTEX_SUMMARY = (
    f"Alle overeenkomende documenten (hoogstens {EXPORT_LIMIT}), of de resultaten van één "
    "pagina, als BibTeX (@techreport, UTF-8)."
)
_ATOM_SUMMARY = "De resultaten als Atom-feed, nieuwste eerst (sort wordt genegeerd)."
_SIMILAR_SUMMARY = (
    "Vragen die op een tekst lijken (een hele vraag of een zin eruit, tot "
    f"{MAX_TEXT_LENGTH} tekens): de documenten gerangschikt op de kenmerkende woorden die ze "
    "met de tekst delen, wie de woorden van de tekst in dezelfde volgorde bevat eerst; "
    "kopieën van één vraag als één resultaat. Hetzelfde antwoord als /api/search met mode "
    f"similar, dat /api/search ook geeft voor een zoekvraag van meer dan {QUERY_WORDS} woorden "
    "zonder operator. total telt de documenten die genoeg van de kenmerkende woorden delen."
)


def openapi_spec() -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Parlsearch", "version": "1", "description": _DESCRIPTION},
        "paths": _paths(),
        "components": {"schemas": {shape.name: shape.schema() for shape in API_SHAPES}},
    }


def _paths() -> dict:
    return {
        openapi_path("search_json"): _search_path("application/json", SEARCH_PAGE.ref),
        openapi_path("similar_json"): _similar_path(),
        openapi_path("search_csv"): _search_path("text/csv", _STRING, _CSV_SUMMARY, TEXTS),
        openapi_path("search_excel_csv"): _search_path("text/csv", _STRING, _EXCEL_SUMMARY, TEXTS),
        openapi_path("search_ris"): _search_path(RIS_TYPE, _STRING, _RIS_SUMMARY, SCOPE),
        openapi_path("search_bibtex"): _search_path(BIBTEX_TYPE, _STRING, _BIBTEX_SUMMARY, SCOPE),
        openapi_path("search_atom"): _search_path(
            "application/atom+xml", {"type": "string"}, _ATOM_SUMMARY
        ),
        openapi_path("document_json"): _document_path(),
        openapi_path("document_ris"): _document_export_path(RIS_TYPE, "RIS"),
        openapi_path("document_bibtex"): _document_export_path(BIBTEX_TYPE, "BibTeX"),
        openapi_path(person_endpoint(MEMBER, "json")): _person_path(
            "Een parlementslid", "Onbekend parlementslid."
        ),
        openapi_path(person_endpoint(MINISTER, "json")): _person_path(
            "Een minister", "Onbekende minister."
        ),
        openapi_path("facet_json"): _facet_path(),
        openapi_path("coverage_json"): _get(
            "Wat de zoekindex bevat: per parlement documenten, beantwoord, eerste en laatste "
            "datum; en wanneer de index gebouwd is.",
            {"200": _json_response("De inhoud", COVERAGE.ref), **_error_responses("503")},
        ),
        openapi_path("openapi_json"): _get(
            "Deze beschrijving.", {"200": _json_response("OpenAPI 3.1", {"type": "object"})}
        ),
    }


def _get(summary: str, responses: dict) -> dict:
    return {"get": {"summary": summary, "responses": responses}}


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_responses(*statuses: str, not_found: str = "Onbekend document.") -> dict:
    descriptions = {
        "400": "Een parameter of zoekvraag die niet kan worden gebruikt.",
        "404": not_found,
        "413": "De aanvraag is te groot.",
        "415": "De body is geen JSON (Content-Type: application/json).",
        "503": "Er is nog geen zoekindex gebouwd.",
    }
    return {status: _json_response(descriptions[status], ERROR.ref) for status in statuses}


def _search_path(
    media_type: str, schema: dict, summary: str = "Zoeken.", *options: ExportOption
) -> dict:
    responses = {"200": {"description": "OK", "content": {media_type: {"schema": schema}}}}
    # Only the /api/ routes answer errors as JSON; the others as an HTML page.
    if media_type == "application/json":
        responses.update(_error_responses("400", "503"))
    else:
        responses["400"] = {"description": "Een parameter die niet kan worden gebruikt."}
    parameters = [*_search_parameters(), *map(_option_parameter, options)]
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _option_parameter(option: ExportOption) -> dict:
    schema = {"type": "string", "enum": ["", *option.values], "default": option.values[0]}
    return _search_parameter(option.name, option.description, schema)


def _similar_path() -> dict:
    body = {"required": True, "content": {"application/json": {"schema": _similar_body()}}}
    responses = {
        "200": _json_response("De gelijkaardige vragen", SEARCH_PAGE.ref),
        **_error_responses("400", "413", "415", "503"),
    }
    return {"post": {"summary": _SIMILAR_SUMMARY, "requestBody": body, "responses": responses}}


def _similar_body() -> dict:
    """The JSON body of a similar search: its text, and the search's other parameters."""
    properties = {
        "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH},
        "page": {"type": "integer", "minimum": 1, "default": 1},
        "per_page": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PER_PAGE,
            "default": DEFAULT_PER_PAGE,
        },
        "in": {"type": "string", "enum": ["", *SCOPES], "default": SCOPES[0]},
        "sort": {"type": "string", "enum": ["", *SORTS]},
    }
    for name in FILTER_NAMES:
        value = _filter_value_schema(name)
        if name in LIST_FILTERS:
            value = {"anyOf": [value, {"type": "array", "items": value, "maxItems": MAX_VALUES}]}
        properties[name] = {**value, "description": _FILTER_DESCRIPTIONS[name]}
    return {
        "type": "object",
        "required": ["text"],
        "properties": properties,
        "additionalProperties": False,
    }


def _search_parameters() -> list[dict]:
    query = _search_parameter(
        "q",
        "De zoekvraag (zie /hulp). Zonder q en zonder filters: alle documenten.",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    )
    return [query, *map(_filter_parameter, FILTER_NAMES), *_order_and_page_parameters()]


def _filter_parameter(name: str) -> dict:
    value = _filter_value_schema(name)
    if name not in LIST_FILTERS:
        return _search_parameter(name, _FILTER_DESCRIPTIONS[name], value)
    values = {"type": "array", "items": value, "maxItems": MAX_VALUES}
    return {**_search_parameter(name, _FILTER_DESCRIPTIONS[name], values), **_REPEATED}


def _order_and_page_parameters() -> list[dict]:
    per_page = {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_PER_PAGE,
        "default": DEFAULT_PER_PAGE,
    }
    return [
        _search_parameter(
            "in",
            "Zoek de woorden overal, alleen in de vraag (en titel) of alleen in het antwoord.",
            {"type": "string", "enum": ["", *SCOPES], "default": SCOPES[0]},
        ),
        _search_parameter(
            "sort",
            "Volgorde; standaard relevantie met zoekwoorden, nieuwste zonder.",
            {"type": "string", "enum": ["", *SORTS]},
        ),
        _search_parameter(
            "page",
            f"Pagina, vanaf 1; alleen de eerste {MAX_DEPTH} resultaten worden geleverd.",
            _or_empty({"type": "integer", "minimum": 1, "default": 1}),
        ),
        _search_parameter("per_page", "Resultaten per pagina.", _or_empty(per_page)),
    ]


def _filter_value_schema(name: str) -> dict:
    if name == "bron":
        return {"type": "string", "enum": ["", *SOURCE_NAMES]}
    if name == "status":
        return {"type": "string", "enum": ["", *STATUSES]}
    if name == "jaar":
        return {"type": "string", "pattern": "^([0-9]{4})?$"}
    if name in TEXT_FILTERS:
        return {"type": "string", "maxLength": MAX_VALUE_LENGTH}
    return _or_empty({"type": "string", "format": "date"})


def _or_empty(schema: dict) -> dict:
    """`schema`, or the empty string: the search pages read an empty value as none given."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _query_parameter(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "description": description, "schema": schema}


def _search_parameter(name: str, description: str, schema: dict) -> dict:
    """A parameter of the search pages, which read an empty value (as forms send it) as none."""
    return _query_parameter(name, description + " Een lege waarde telt als niet opgegeven.", schema)


def _document_path() -> dict:
    return {
        "get": {
            "summary": "Eén document, per stuk, gemarkeerd voor q.",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                _query_parameter("q", "Woorden om te markeren.", {"type": "string"}),
            ],
            "responses": {
                "200": _json_response("Het document", DOCUMENT.ref),
                **_error_responses("404", "503"),
            },
        }
    }


def _document_export_path(media_type: str, name: str) -> dict:
    return {
        "get": {
            "summary": f"Eén document als {name}, voor literatuurbeheerders.",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "OK", "content": {media_type: {"schema": _STRING}}},
                "404": {"description": "Onbekend document."},
            },
        }
    }


def _person_path(summary: str, not_found: str) -> dict:
    return {
        "get": {
            "summary": f"{summary}: de vragen, nieuwste eerst, met aantallen per jaar en thema, "
            "het aandeel beantwoord en wie het meest gevraagd wordt of vraagt. Kopieën van één "
            "vraag aan meerdere ministers tellen één keer.",
            "parameters": [
                {
                    "name": "slug",
                    "in": "path",
                    "required": True,
                    "description": "De naam in kleine letters, woorden met -: jan-jambon; "
                    "of een achternaam: jambon, de-block.",
                    "schema": {"type": "string"},
                },
                _search_parameter(
                    "page",
                    f"Pagina van de lijst met vragen ({PER_PAGE} per pagina).",
                    _or_empty({"type": "integer", "minimum": 1, "default": 1}),
                ),
            ],
            "responses": {
                "200": _json_response(summary, PERSON_PAGE.ref),
                "300": _json_response(
                    "Een achternaam van meerdere personen: de keuze tussen hen.",
                    PERSON_CHOICE.ref,
                ),
                "302": {
                    "description": "Een achternaam van één persoon: naar diens pagina.",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                **_error_responses("400", "404", "503", not_found=not_found),
            },
        }
    }


def _facet_path() -> dict:
    return {
        "get": {
            "summary": "Alle waarden van één facet, geteld voor de zoekopdracht.",
            "parameters": [
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": FACET_NAMES},
                },
                *_search_parameters(),
                _search_parameter(
                    FACET_TEXT,
                    "Alleen waarden die deze tekst bevatten (hoofdletters, accenten en "
                    "leestekens tellen niet).",
                    {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                ),
            ],
            "responses": {
                "200": _json_response("De waarden", FACET_PAGE.ref),
                **_error_responses("400", "404", "503", not_found="Onbekend facet."),
            },
        }
    }
