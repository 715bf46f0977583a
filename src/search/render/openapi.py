"""The OpenAPI 3.1 description of the JSON API and the CSV and Atom twins, served at
`/api/openapi.json`. Limits and choices come from the modules that enforce them; the tests check
real responses against these schemas, which allow no undocumented properties."""

from __future__ import annotations

from search.engine.explain import MATCH_LABELS
from search.engine.filters import (
    FILTER_LABELS,
    LIST_FILTERS,
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    STATUSES,
    TEXT_FILTERS,
)
from search.engine.histogram import MAX_MONTHS, MONTH, YEAR
from search.engine.pages import FACET_TEXT
from search.engine.people import KINDS, PER_PAGE, TOP
from search.engine.query import MAX_QUERY_LENGTH
from search.engine.request import DEFAULT_PER_PAGE, MAX_DEPTH, MAX_PER_PAGE, SCOPES, SORTS
from search.engine.searching import EXPORT_LIMIT, RELATED_COUNT
from search.index.arrays.document_table import FACETS
from search.ingest.document import SOURCE_NAMES
from search.render.export import CSV_COLUMNS

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


def openapi_spec() -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parlsearch",
            "version": "1",
            "description": (
                "Zoeken in schriftelijke vragen en antwoorden van het Vlaams Parlement en de "
                "Kamer. Alle zoekpagina's nemen dezelfde parameters; meerdere waarden van één "
                "filter combineren met OF, verschillende filters met EN. Wat een zoekvraag "
                "vindt: een woord vindt de documenten met dat woord in een of andere vorm "
                "(ziekenhuis, ziekenhuizen), in een samenstelling (kerncentrale in "
                "kerncentralesite) of, voor een samenstelling, met al haar delen dicht bij "
                "elkaar (directeur van de gevangenis voor gevangenisdirecteur); één deel alleen "
                "telt nooit. Meerdere woorden vinden de documenten met elk van de woorden "
                "(stopwoorden zoals 'van' en 'de' niet meegerekend), tenzij OF/OR ze scheidt. "
                "Een zinsdeel tussen aanhalingstekens vindt die woorden in die volgorde, een "
                "patroon (trein*) de woorden die zo beginnen. total en de facetten tellen alleen "
                "documenten met elk woord; documenten met een deel van de woorden staan apart in "
                "partial_results (partial_total), na de laatste pagina met volledige treffers."
            ),
        },
        "paths": {
            "/api/search": _search_path("application/json", {"$ref": _schema("SearchPage")}),
            "/search.csv": _search_path(
                "text/csv",
                {"type": "string"},
                f"Alle overeenkomende documenten (hoogstens {EXPORT_LIMIT}) als CSV, met de "
                "kolommen " + ", ".join(CSV_COLUMNS) + ". minister: de persoon (leeg als niet "
                "vaststaat wie de portefeuille had), portfolio: de portefeuille, answered: 1 of "
                "0, passage: de best passende passage als tekst.",
            ),
            "/search.atom": _search_path(
                "application/atom+xml",
                {"type": "string"},
                "De resultaten als Atom-feed, nieuwste eerst (sort wordt genegeerd).",
            ),
            "/api/documents/{id}": _document_path(),
            "/api/leden/{slug}": _person_path("Een parlementslid", "Onbekend parlementslid."),
            "/api/ministers/{slug}": _person_path("Een minister", "Onbekende minister."),
            "/api/facetten/{name}": _facet_path(),
            "/api/coverage": {
                "get": {
                    "summary": "Wat de zoekindex bevat: per parlement documenten, beantwoord, "
                    "eerste en laatste datum; en wanneer de index gebouwd is.",
                    "responses": {
                        "200": _json_response("De inhoud", {"$ref": _schema("Coverage")}),
                        **_error_responses("503"),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "Deze beschrijving.",
                    "responses": {"200": _json_response("OpenAPI 3.1", {"type": "object"})},
                }
            },
        },
        "components": {"schemas": _schemas()},
    }


def _schema(name: str) -> str:
    return f"#/components/schemas/{name}"


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_responses(*statuses: str, not_found: str = "Onbekend document.") -> dict:
    descriptions = {
        "400": "Een parameter of zoekvraag die niet kan worden gebruikt.",
        "404": not_found,
        "503": "Er is nog geen zoekindex gebouwd.",
    }
    return {
        status: _json_response(descriptions[status], {"$ref": _schema("Error")})
        for status in statuses
    }


def _search_path(media_type: str, schema: dict, summary: str = "Zoeken.") -> dict:
    responses = {"200": {"description": "OK", "content": {media_type: {"schema": schema}}}}
    # Only the /api/ routes answer errors as JSON; the others as an HTML page.
    if media_type == "application/json":
        responses.update(_error_responses("400", "503"))
    else:
        responses["400"] = {"description": "Een parameter die niet kan worden gebruikt."}
    return {"get": {"summary": summary, "parameters": _search_parameters(), "responses": responses}}


def _search_parameters() -> list[dict]:
    parameters = [
        _search_parameter(
            "q",
            "De zoekvraag (zie /hulp). Zonder q en zonder filters: alle documenten.",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        )
    ]
    for name in FILTER_LABELS:
        value = _filter_value_schema(name)
        if name in LIST_FILTERS:
            parameter = _search_parameter(
                name,
                _FILTER_DESCRIPTIONS[name],
                {"type": "array", "items": value, "maxItems": MAX_VALUES},
            )
            parameter.update(style="form", explode=True)
        else:
            parameter = _search_parameter(name, _FILTER_DESCRIPTIONS[name], value)
        parameters.append(parameter)
    parameters += [
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
        _search_parameter(
            "per_page",
            "Resultaten per pagina.",
            _or_empty(
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PER_PAGE,
                    "default": DEFAULT_PER_PAGE,
                }
            ),
        ),
    ]
    return parameters


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
                "200": _json_response("Het document", {"$ref": _schema("Document")}),
                **_error_responses("404", "503"),
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
                    "description": "De naam in kleine letters, woorden met -: jan-jambon.",
                    "schema": {"type": "string"},
                },
                _search_parameter(
                    "page",
                    f"Pagina van de lijst met vragen ({PER_PAGE} per pagina).",
                    _or_empty({"type": "integer", "minimum": 1, "default": 1}),
                ),
            ],
            "responses": {
                "200": _json_response(summary, {"$ref": _schema("PersonPage")}),
                **_error_responses("400", "404", "503", not_found=not_found),
            },
        }
    }


def _facet_path() -> dict:
    names = [name for name, _, _ in FACETS]
    return {
        "get": {
            "summary": "Alle waarden van één facet, geteld voor de zoekopdracht.",
            "parameters": [
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": names},
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
                "200": _json_response("De waarden", {"$ref": _schema("FacetPage")}),
                **_error_responses("400", "404", "503", not_found="Onbekend facet."),
            },
        }
    }


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_BOOLEAN = {"type": "boolean"}
_DATE = {"type": ["string", "null"], "format": "date"}
_URL_OR_NULL = {"type": ["string", "null"]}


def _summary_properties() -> dict:
    return {
        "id": _STRING,
        "title": _STRING,
        "date": _DATE,
        "member": _STRING,
        "party": _STRING,
        "minister": {
            "type": "string",
            "description": "De minister aan wie de vraag gesteld is, als persoon; leeg als niet "
            "vaststaat wie de portefeuille op die datum had.",
        },
        "minister_label": {"type": "string", "description": "De portefeuille, kort."},
        "source": {"type": "string", "enum": list(SOURCE_NAMES)},
        "source_name": _STRING,
        "answered": _BOOLEAN,
        "url": _STRING,
        "member_url": {**_URL_OR_NULL, "description": "De pagina van het parlementslid."},
        "minister_url": {**_URL_OR_NULL, "description": "De pagina van de minister."},
    }


def _time_and_coverage_schemas() -> dict:
    return {
        "Histogram": _object(
            {
                "unit": {
                    "type": "string",
                    "enum": [MONTH, YEAR],
                    "description": f"Per maand, of per jaar als de documenten meer dan "
                    f"{MAX_MONTHS} maanden beslaan.",
                },
                "periods": {
                    "type": "array",
                    "items": {"$ref": _schema("Period")},
                    "description": "Van de eerste tot de laatste periode met een document, "
                    "lege perioden inbegrepen.",
                },
                "undated": {"type": "integer", "description": "Documenten zonder datum."},
            }
        ),
        "Period": _object(
            {
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "label": _STRING,
                "count": _INTEGER,
            }
        ),
        "Coverage": _object(
            {
                "documents": _INTEGER,
                "built": {"type": "string", "format": "date-time"},
                "parliaments": {"type": "array", "items": {"$ref": _schema("ParliamentCoverage")}},
            }
        ),
        "ParliamentCoverage": _object(
            {
                "source": {"type": "string", "enum": list(SOURCE_NAMES)},
                "name": _STRING,
                "documents": _INTEGER,
                "answered": _INTEGER,
                "first": _DATE,
                "last": _DATE,
            }
        ),
    }


def _person_schemas() -> dict:
    count_list = {"type": "array", "items": {"$ref": _schema("Count")}}
    return {
        "Count": _object({"label": _STRING, "count": _INTEGER, "url": _URL_OR_NULL}),
        "Office": _object(
            {
                "portfolio": _STRING,
                "label": _STRING,
                "source": {"type": "string", "enum": list(SOURCE_NAMES)},
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "sources": {"type": "string", "description": "Waar de gegevens vandaan komen."},
            }
        ),
        "PersonPage": _object(
            {
                "kind": {"type": "string", "enum": list(KINDS)},
                "name": _STRING,
                "slug": _STRING,
                "url": _STRING,
                "documents": _INTEGER,
                "questions": {
                    "type": "integer",
                    "description": "Vragen: kopieën van één vraag aan meerdere ministers "
                    "tellen één keer.",
                },
                "answered": {
                    "type": "integer",
                    "description": "Vragen met een antwoord op minstens één kopie.",
                },
                "answered_share": {"type": "number", "minimum": 0, "maximum": 1},
                "parties": count_list,
                "parliaments": count_list,
                "years": count_list,
                "themes": count_list,
                "counterparts": {
                    **count_list,
                    "maxItems": TOP,
                    "description": "Voor een lid de meest gevraagde ministers (documenten), voor "
                    "een minister de leden die het meest vragen (vragen).",
                },
                "unknown_counterpart": {
                    "type": "integer",
                    "description": "Documenten aan een portefeuille waarvan niet vaststaat wie "
                    "ze had.",
                },
                "offices": {"type": "array", "items": {"$ref": _schema("Office")}},
                "search": {
                    "$ref": _schema("SearchPage"),
                    "description": "De vragen, nieuwste eerst.",
                },
            }
        ),
    }


def _schemas() -> dict:
    return {
        "Error": _object(
            {"error": _object({"status": _INTEGER, "message": {"type": "string", "minLength": 1}})}
        ),
        "Copy": _object(
            {
                "id": _STRING,
                "url": _STRING,
                "minister": _STRING,
                "answered": _BOOLEAN,
                "matched": {
                    "type": "boolean",
                    "description": "Of deze kopie ook aan de zoekvraag voldoet.",
                },
            }
        ),
        "ChunkRef": _object(
            {
                "kind": {"type": "string", "enum": ["pair", "question", "answer"]},
                "number": _INTEGER,
                "label": _STRING,
                "anchor": _STRING,
            }
        ),
        "Hit": _object(
            {
                **_summary_properties(),
                "score": {"type": "number"},
                "snippet": {"type": "string", "description": "HTML: ontsnapte tekst met <mark>."},
                "permalink": {
                    "type": "string",
                    "description": "Het document, geopend bij het best passende stuk.",
                },
                "chunk": {"$ref": _schema("ChunkRef")},
                "group": {
                    "type": "array",
                    "items": {"$ref": _schema("Copy")},
                    "description": "Dezelfde vraag, ook gesteld aan andere ministers.",
                },
                "why": {
                    "type": "array",
                    "items": {"$ref": _schema("WordMatch")},
                    "description": "Waarom gevonden: per zoekwoord hoe dit document erop past.",
                },
                "partial": {
                    "type": "boolean",
                    "description": "Het document bevat maar een deel van de zoekwoorden "
                    "(alleen in partial_results).",
                },
            }
        ),
        "WordMatch": _object(
            {
                "word": {"type": "string", "description": "Het zoekwoord zoals getypt."},
                "match": {
                    "type": ["string", "null"],
                    "enum": [*MATCH_LABELS, None],
                    "description": "member (de vraagsteller die de zoekvraag noemt), exact, "
                    "stem (andere vorm), part (in een samenstelling), parts (de delen van een "
                    "samenstelling dicht bij elkaar), prefix, of null: niet in dit document.",
                },
                "found": {
                    "type": "array",
                    "items": _STRING,
                    "description": "De woorden van het document die passen.",
                },
            }
        ),
        "FacetValue": _object(
            {"value": _STRING, "label": _STRING, "count": _INTEGER, "selected": _BOOLEAN}
        ),
        "Facet": _object(
            {
                "label": _STRING,
                "values": {"type": "array", "items": {"$ref": _schema("FacetValue")}},
                "other": {"type": "integer", "description": "Documenten met een andere waarde."},
                "missing": {"type": "integer", "description": "Documenten zonder waarde."},
            }
        ),
        "SearchPage": _object(
            {
                "query": _STRING,
                "filters": {
                    "type": "object",
                    "propertyNames": {"enum": list(FILTER_LABELS)},
                    "additionalProperties": {"type": "array", "items": _STRING},
                },
                "in": {"type": "string", "enum": list(SCOPES)},
                "sort": {"type": "string", "enum": list(SORTS)},
                "total": {
                    "type": "integer",
                    "description": "Overeenkomende documenten: met elk woord van de zoekvraag.",
                },
                "groups": {
                    "type": "integer",
                    "description": "Resultaten: kopieën van één vraag tellen als één.",
                },
                "page": _INTEGER,
                "per_page": _INTEGER,
                "pages": _INTEGER,
                "suggestion": {"type": ["string", "null"], "description": "Bedoelde u …?"},
                "facets": _object({name: {"$ref": _schema("Facet")} for name, _, _ in FACETS}),
                "histogram": {"$ref": _schema("Histogram")},
                "coverage": {
                    "anyOf": [{"$ref": _schema("Coverage")}, {"type": "null"}],
                    "description": "Wat de index bevat; alleen als niets gevonden is.",
                },
                "results": {"type": "array", "items": {"$ref": _schema("Hit")}},
                "partial_total": {
                    "type": "integer",
                    "description": "Documenten met een deel van de woorden (niet in total).",
                },
                "partial_results": {
                    "type": "array",
                    "items": {"$ref": _schema("Hit")},
                    "description": "De beste documenten met een deel van de woorden, op de "
                    "laatste pagina van de volledige treffers (of als er geen zijn).",
                },
                "filter_suggestions": {
                    "type": "array",
                    "items": {"$ref": _schema("FilterSuggestion")},
                    "description": "Filterwaarden die geen enkel document selecteren, met de "
                    "dichtstbijzijnde bekende waarden (Bedoelde u partij VB?).",
                },
            }
        ),
        "FilterSuggestion": _object(
            {
                "filter": {"type": "string", "enum": list(TEXT_FILTERS)},
                "value": _STRING,
                "suggestions": {"type": "array", "items": _STRING},
            }
        ),
        **_time_and_coverage_schemas(),
        **_person_schemas(),
        "FacetPage": _object(
            {
                "facet": {"type": "string", "enum": [name for name, _, _ in FACETS]},
                "query": _STRING,
                "filters": {"type": "object", "additionalProperties": {"type": "array"}},
                "total": {"type": "integer", "description": "Overeenkomende documenten."},
                "label": _STRING,
                "values": {"type": "array", "items": {"$ref": _schema("FacetValue")}},
                "other": {
                    "type": "integer",
                    "description": "Documenten met een waarde die niet getoond wordt (met "
                    f"{FACET_TEXT}: een waarde zonder die tekst).",
                },
                "missing": {"type": "integer", "description": "Documenten zonder waarde."},
            }
        ),
        "ChunkView": _object(
            {
                "anchor": _STRING,
                "kind": {"type": "string", "enum": ["pair", "question", "answer"]},
                "number": _INTEGER,
                "label": _STRING,
                "question_html": _STRING,
                "answer_html": _STRING,
                "matched": _BOOLEAN,
            }
        ),
        "DocumentSummary": _object(_summary_properties()),
        "Document": _object(
            {
                **_summary_properties(),
                "minister_title": _STRING,
                "themes": {"type": "array", "items": _STRING},
                "number": _STRING,
                "reference": {
                    "type": "string",
                    "description": "De officiële verwijzing zoals het parlement ze schrijft.",
                },
                "citation": {"type": "string", "description": "Een kant-en-klaar citaat."},
                "permalink": {
                    "type": "string",
                    "description": "Vaste link naar deze pagina, absoluut als de server een "
                    "basis-URL heeft ($PARLSEARCH_BASE_URL).",
                },
                "query": _STRING,
                "best_chunk": {"type": ["string", "null"]},
                "passage": {
                    "type": ["string", "null"],
                    "description": "De best passende passage voor q, als tekst.",
                },
                "chunks": {"type": "array", "items": {"$ref": _schema("ChunkView")}},
                "group": {"type": "array", "items": {"$ref": _schema("Copy")}},
                "related": {
                    "type": "array",
                    "items": {"$ref": _schema("DocumentSummary")},
                    "maxItems": RELATED_COUNT,
                    "description": "Gelijkaardige vragen.",
                },
            }
        ),
    }
