"""Every JSON object the JSON API and the CLI's `--json` print, declared once (see
`search.render.serialize`): its properties in order, each with its JSON Schema and how its value
is read from the engine's dataclasses, links made by `Urls` and HTML by `search.render.highlight`.

`SEARCH_PAGE.dump(page, urls)` is a results page's JSON; `API_SHAPES` are the objects the
OpenAPI description publishes, in its order. The index facts and the evaluation are printed by
the CLI only.
"""

from __future__ import annotations

from search.engine.filters import FILTER_NAMES, TEXT_FILTERS
from search.engine.histogram import FIRST_YEAR, MAX_MONTHS, MONTH, YEAR
from search.engine.people import KINDS, MEMBER, TOP
from search.engine.related_questions import RELATED_COUNT
from search.engine.request import MODES, QUERY_WORDS, SCOPES, SORTS
from search.index.arrays.document_table import FACETS
from search.ingest.document import SOURCE_NAMES
from search.render.highlight import marked_html, passage_text, snippet_html, title_html
from search.render.labels import FILTER_LABELS, MATCH_LABELS, MATCHED_THROUGH_LABELS
from search.render.serialize import Prop, Shape, inline, many, object_schema, one, optional
from search.render.urls import FACET_TEXT

FACET_NAMES = [name for name, _ in FACETS]

_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_NUMBER = {"type": "number"}
_BOOLEAN = {"type": "boolean"}
_STRINGS = {"type": "array", "items": _STRING}
_DATE = {"type": "string", "format": "date"}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
_STRING_OR_NULL = {"type": ["string", "null"]}
_SOURCE = {"type": "string", "enum": list(SOURCE_NAMES)}
_CHUNK_KIND = {"type": "string", "enum": ["pair", "question", "answer"]}


def _filters(page, _) -> dict:
    return {name: list(values) for name, values in page.request.filters.values.items()}


def _code_or_null(name: str, codes, description: str, attribute: str = "") -> Prop:
    """A property holding one of `codes`, read from `attribute` (default: `name`), or null
    where that is ""."""
    schema = {"type": ["string", "null"], "enum": [*codes, None], "description": description}
    return Prop(name, schema, lambda obj, _: getattr(obj, attribute or name) or None)


# An error's JSON reads a (status, message) pair: errors are the web app's, not the engine's.
_ERROR_BODY = Shape(
    "ErrorBody",
    Prop("status", _INTEGER, lambda error, _: error[0]),
    Prop("message", {"type": "string", "minLength": 1}, lambda error, _: error[1]),
)
ERROR = Shape("Error", inline("error", _ERROR_BODY, lambda error, _: error))

COPY = Shape(
    "Copy",
    Prop("id", _STRING),
    Prop("url", _STRING, lambda copy, urls: urls.document(copy.id)),
    Prop("minister", _STRING),
    Prop("answered", _BOOLEAN),
    Prop(
        "matched",
        {"type": "boolean", "description": "Of deze kopie ook aan de zoekvraag voldoet."},
    ),
)

CHUNK_REF = Shape(
    "ChunkRef",
    Prop("kind", _CHUNK_KIND),
    Prop("number", _INTEGER),
    Prop("label", _STRING),
    Prop("anchor", _STRING),
)

WORD_MATCH = Shape(
    "WordMatch",
    Prop("word", {"type": "string", "description": "Het zoekwoord zoals getypt."}),
    _code_or_null(
        "match",
        MATCH_LABELS,
        "member (de vraagsteller die de zoekvraag noemt), minister (de minister aan wie de "
        "vraag gesteld is en die de zoekvraag noemt), exact, stem (andere vorm), part (in een "
        "samenstelling), parts (de delen van een samenstelling als losse "
        "woorden in een woordgroep), prefix, of null: niet in dit document.",
        attribute="how",
    ),
    Prop(
        "found",
        {**_STRINGS, "description": "De woorden van het document die passen."},
        lambda match, _: list(match.found),
    ),
)

# What a result, a document page and a similar question all show of a document.
_SUMMARY = (
    Prop("id", _STRING),
    Prop("title", _STRING),
    Prop("date", _DATE_OR_NULL, lambda summary, _: summary.date or None),
    Prop("member", _STRING),
    Prop("party", _STRING),
    Prop(
        "minister",
        {
            "type": "string",
            "description": "De minister aan wie de vraag gesteld is, als persoon; leeg als niet "
            "vaststaat wie de portefeuille op die datum had.",
        },
    ),
    Prop("minister_label", {"type": "string", "description": "De portefeuille, kort."}),
    Prop("source", _SOURCE),
    Prop("source_name", _STRING),
    Prop("answered", _BOOLEAN),
    Prop("url", _STRING, lambda summary, urls: urls.document(summary.id)),
    Prop(
        "member_url",
        {**_STRING_OR_NULL, "description": "De pagina van het parlementslid."},
        lambda summary, urls: urls.member(summary.member) if summary.member else None,
    ),
    Prop(
        "minister_url",
        {**_STRING_OR_NULL, "description": "De pagina van de minister."},
        lambda summary, urls: urls.minister(summary.minister) if summary.minister else None,
    ),
)

DOCUMENT_SUMMARY = Shape("DocumentSummary", *_SUMMARY)

_TITLE_HTML = Prop(
    "title_html",
    {"type": "string", "description": "De titel als HTML: ontsnapte tekst met <mark>."},
    lambda document, _: title_html(document.title, document.title_marks),
)

HIT = Shape(
    "Hit",
    *_SUMMARY,
    _TITLE_HTML,
    Prop("score", _NUMBER),
    Prop(
        "snippet",
        {"type": "string", "description": "HTML: ontsnapte tekst met <mark>."},
        lambda hit, _: snippet_html(hit.snippet),
    ),
    _code_or_null(
        "matched_through",
        MATCHED_THROUGH_LABELS,
        "Als het fragment niets markeert: waardoor het document gevonden is. reference (het "
        "document waarnaar de zoekvraag verwijst), title (alleen in de titel), member (via de "
        "vraagsteller), minister (via de minister); anders null.",
    ),
    Prop(
        "permalink",
        {"type": "string", "description": "Het document, geopend bij het best passende stuk."},
        lambda hit, urls: urls.hit(hit),
    ),
    one("chunk", CHUNK_REF),
    many(
        "group",
        COPY,
        lambda hit, _: hit.copies,
        description="Dezelfde vraag, ook gesteld aan andere ministers.",
    ),
    many(
        "why",
        WORD_MATCH,
        description="Waarom gevonden: per zoekwoord hoe dit document erop past.",
    ),
    Prop(
        "partial",
        {
            "type": "boolean",
            "description": "Het document bevat maar een deel van de zoekwoorden "
            "(alleen in partial_results).",
        },
    ),
)

FACET_VALUE = Shape(
    "FacetValue",
    Prop("value", _STRING),
    Prop("label", _STRING),
    Prop("count", _INTEGER),
    Prop("selected", _BOOLEAN),
)

FACET = Shape(
    "Facet",
    Prop("label", _STRING, lambda facet, _: FILTER_LABELS[facet.name]),
    many("values", FACET_VALUE),
    Prop("other", {"type": "integer", "description": "Documenten met een andere waarde."}),
    Prop("missing", {"type": "integer", "description": "Documenten zonder waarde."}),
)

FILTER_SUGGESTION = Shape(
    "FilterSuggestion",
    Prop("filter", {"type": "string", "enum": list(TEXT_FILTERS)}, lambda found, _: found.name),
    Prop("value", _STRING),
    Prop("suggestions", _STRINGS, lambda found, _: list(found.suggestions)),
)

PERIOD = Shape(
    "Period",
    Prop("start", _DATE, lambda period, _: period.start.isoformat()),
    Prop("end", _DATE, lambda period, _: period.end.isoformat()),
    Prop("label", _STRING),
    Prop("count", _INTEGER),
)

HISTOGRAM = Shape(
    "Histogram",
    Prop(
        "unit",
        {
            "type": "string",
            "enum": [MONTH, YEAR],
            "description": f"Per maand, of per jaar als de documenten meer dan "
            f"{MAX_MONTHS} maanden beslaan.",
        },
    ),
    many(
        "periods",
        PERIOD,
        description="Van de eerste tot de laatste periode met een document, "
        "lege perioden inbegrepen.",
    ),
    Prop("undated", {"type": "integer", "description": "Documenten zonder datum."}),
    Prop(
        "outside",
        {
            "type": "integer",
            "description": f"Documenten met een datum voor {FIRST_YEAR} of na volgend jaar: "
            "niet in de perioden geteld.",
        },
    ),
)

PARLIAMENT_COVERAGE = Shape(
    "ParliamentCoverage",
    Prop("source", _SOURCE),
    Prop("name", _STRING),
    Prop("documents", _INTEGER),
    Prop("answered", _INTEGER),
    Prop("first", _DATE_OR_NULL, lambda parliament, _: parliament.first or None),
    Prop("last", _DATE_OR_NULL, lambda parliament, _: parliament.last or None),
)

COVERAGE = Shape(
    "Coverage",
    Prop("documents", _INTEGER),
    Prop("built", {"type": "string", "format": "date-time"}),
    many("parliaments", PARLIAMENT_COVERAGE),
)

SEARCH_PAGE = Shape(
    "SearchPage",
    Prop("query", _STRING),
    Prop(
        "mode",
        {
            "type": "string",
            "enum": list(MODES),
            "description": "query: de zoektaal, documenten met elk woord; similar: vragen die "
            "op de tekst lijken, gerangschikt op de gedeelde kenmerkende woorden (een tekst van "
            f"meer dan {QUERY_WORDS} woorden zonder operator, of POST /api/similar).",
        },
    ),
    Prop(
        "key_words",
        {
            **_STRINGS,
            "description": "Bij similar: de kenmerkende woorden van de tekst, de zwaarste "
            "eerst, waarop gerangschikt is; anders leeg.",
        },
        lambda page, _: list(page.key_words),
    ),
    Prop(
        "filters",
        {
            "type": "object",
            "propertyNames": {"enum": list(FILTER_NAMES)},
            "additionalProperties": _STRINGS,
        },
        _filters,
    ),
    Prop("in", {"type": "string", "enum": list(SCOPES)}, lambda page, _: page.request.scope),
    Prop("sort", {"type": "string", "enum": list(SORTS)}),
    Prop(
        "total",
        {
            "type": "integer",
            "description": "Overeenkomende documenten: met elk woord van de zoekvraag (bij "
            "similar: met genoeg van de kenmerkende woorden van de tekst).",
        },
    ),
    Prop(
        "groups",
        {"type": "integer", "description": "Resultaten: kopieën van één vraag tellen als één."},
    ),
    Prop("page", _INTEGER),
    Prop("per_page", _INTEGER),
    Prop("pages", _INTEGER),
    Prop("suggestion", {"type": ["string", "null"], "description": "Bedoelde u …?"}),
    Prop(
        "notices",
        {
            **_STRINGS,
            "description": "Hoe de zoekvraag gelezen is (een weggelaten ~, alleen uitsluitingen).",
        },
        lambda page, _: list(page.notices),
    ),
    Prop(
        "facets",
        object_schema({name: FACET.ref for name in FACET_NAMES}),
        lambda page, urls: {facet.name: FACET.dump(facet, urls) for facet in page.facets},
    ),
    one("histogram", HISTOGRAM),
    optional(
        "coverage",
        COVERAGE,
        description="Wat de index bevat; alleen als niets gevonden is.",
    ),
    many("results", HIT),
    Prop(
        "partial_total",
        {
            "type": "integer",
            "description": "Documenten met een deel van de woorden (niet in total).",
        },
    ),
    many(
        "partial_results",
        HIT,
        description="De beste documenten met een deel van de woorden, op de "
        "laatste pagina van de volledige treffers (of als er geen zijn).",
    ),
    many(
        "filter_suggestions",
        FILTER_SUGGESTION,
        description="Filterwaarden die geen enkel document selecteren, met de "
        "dichtstbijzijnde bekende waarden (Bedoelde u partij VB?).",
    ),
)

COUNT = Shape(
    "Count",
    Prop("label", _STRING),
    Prop("count", _INTEGER),
    Prop(
        "url",
        _STRING_OR_NULL,
        lambda count, urls: urls.person(count.kind, count.label) if count.kind else None,
    ),
)

OFFICE = Shape(
    "Office",
    Prop("portfolio", _STRING),
    Prop("label", _STRING),
    Prop("source", _SOURCE, lambda office, _: office.parliament),
    Prop("from", _DATE, lambda office, _: office.start.isoformat()),
    Prop("to", _DATE, lambda office, _: office.end.isoformat()),
    Prop(
        "sources",
        {"type": "string", "description": "Waar de gegevens vandaan komen."},
        lambda office, _: office.source,
    ),
)

NAMESAKE = Shape(
    "Namesake",
    Prop("name", _STRING),
    Prop("party", _STRING),
    Prop("documents", _INTEGER),
    Prop("url", _STRING, lambda namesake, urls: urls.person_at(MEMBER, namesake.slug)),
)

PERSON_PAGE = Shape(
    "PersonPage",
    Prop("kind", {"type": "string", "enum": list(KINDS)}),
    Prop("name", _STRING),
    Prop("slug", _STRING),
    Prop("url", _STRING, lambda page, urls: urls.person_at(page.kind, page.slug)),
    Prop("documents", _INTEGER),
    Prop(
        "questions",
        {
            "type": "integer",
            "description": "Vragen: kopieën van één vraag aan meerdere ministers tellen één keer.",
        },
    ),
    Prop(
        "answered",
        {"type": "integer", "description": "Vragen met een antwoord op minstens één kopie."},
    ),
    Prop(
        "answered_share",
        {"type": "number", "minimum": 0, "maximum": 1},
        lambda page, _: round(page.answered_share, 4),
    ),
    many("parties", COUNT),
    many("parliaments", COUNT),
    many("years", COUNT),
    many("themes", COUNT),
    many(
        "counterparts",
        COUNT,
        maxItems=TOP,
        description="Voor een lid de meest gevraagde ministers (documenten), voor "
        "een minister de leden die het meest vragen (vragen).",
    ),
    Prop(
        "unknown_counterpart",
        {
            "type": "integer",
            "description": "Documenten aan een portefeuille waarvan niet vaststaat wie ze had.",
        },
    ),
    many("offices", OFFICE),
    many(
        "namesakes",
        NAMESAKE,
        description="Leden van verschillende partijen die de documenten dezelfde naam geven, "
        "elk met een eigen pagina (alleen op de pagina van die naam).",
    ),
    one(
        "search",
        SEARCH_PAGE,
        lambda page, _: page.results,
        description="De vragen, nieuwste eerst.",
    ),
)

PERSON_CHOICE = Shape(
    "PersonChoice",
    Prop("kind", {"type": "string", "enum": list(KINDS)}),
    Prop(
        "wanted",
        {"type": "string", "description": "De naam zoals gevraagd: een achternaam."},
    ),
    many(
        "people",
        COUNT,
        minItems=2,
        description="De personen die zo heten, met hun aantal documenten en hun pagina "
        "(url): parlementsleden of ministers.",
    ),
)

FACET_PAGE = Shape(
    "FacetPage",
    Prop("facet", {"type": "string", "enum": FACET_NAMES}, lambda page, _: page.facet.name),
    Prop("query", _STRING, lambda page, _: page.request.q),
    Prop("filters", {"type": "object", "additionalProperties": {"type": "array"}}, _filters),
    Prop("total", {"type": "integer", "description": "Overeenkomende documenten."}),
    *FACET.props_of(
        lambda page: page.facet,
        other={
            "type": "integer",
            "description": "Documenten met een waarde die niet getoond wordt (met "
            f"{FACET_TEXT}: een waarde zonder die tekst).",
        },
    ),
)

CHUNK_VIEW = Shape(
    "ChunkView",
    Prop("anchor", _STRING, lambda chunk, _: chunk.ref.anchor),
    Prop("kind", _CHUNK_KIND, lambda chunk, _: chunk.ref.kind),
    Prop("number", _INTEGER, lambda chunk, _: chunk.ref.number),
    Prop("label", _STRING, lambda chunk, _: chunk.ref.label),
    Prop(
        "question_html",
        _STRING,
        lambda chunk, urls: marked_html(chunk.question, urls.reference),
    ),
    Prop("answer_html", _STRING, lambda chunk, urls: marked_html(chunk.answer, urls.reference)),
    Prop("matched", _BOOLEAN),
)

DOCUMENT = Shape(
    "Document",
    *_SUMMARY,
    _TITLE_HTML,
    Prop("minister_title", _STRING),
    Prop("themes", _STRINGS),
    Prop("number", _STRING),
    Prop(
        "reference",
        {
            "type": "string",
            "description": "De officiële verwijzing zoals het parlement ze schrijft.",
        },
    ),
    Prop("citation", {"type": "string", "description": "Een kant-en-klaar citaat."}),
    Prop(
        "permalink",
        {
            "type": "string",
            "description": "Vaste link naar deze pagina, absoluut als de server een "
            "basis-URL heeft ($PARLSEARCH_BASE_URL).",
        },
        lambda document, urls: urls.absolute(urls.document(document.id)),
    ),
    Prop("query", _STRING),
    Prop("best_chunk", _STRING_OR_NULL, lambda document, _: document.best_anchor or None),
    Prop(
        "passage",
        {
            "type": ["string", "null"],
            "description": "De best passende passage voor q, als tekst.",
        },
        lambda document, _: passage_text(document.passage) or None,
    ),
    many("chunks", CHUNK_VIEW),
    many("group", COPY, lambda document, _: document.copies),
    many(
        "related",
        DOCUMENT_SUMMARY,
        maxItems=RELATED_COUNT,
        description="Gelijkaardige vragen.",
    ),
)

# The objects of the OpenAPI description, in its order.
API_SHAPES = (
    ERROR,
    COPY,
    CHUNK_REF,
    HIT,
    WORD_MATCH,
    FACET_VALUE,
    FACET,
    SEARCH_PAGE,
    FILTER_SUGGESTION,
    HISTOGRAM,
    PERIOD,
    COVERAGE,
    PARLIAMENT_COVERAGE,
    COUNT,
    OFFICE,
    NAMESAKE,
    PERSON_PAGE,
    PERSON_CHOICE,
    FACET_PAGE,
    CHUNK_VIEW,
    DOCUMENT_SUMMARY,
    DOCUMENT,
)

INDEX_STATS = Shape(
    "IndexStats",
    Prop("documents", _INTEGER),
    Prop("per_source", {"type": "object", "additionalProperties": _INTEGER}),
    Prop("chunks", _INTEGER),
    Prop("size_bytes", _INTEGER),
    Prop("built", {"type": "string", "format": "date-time"}),
    Prop("path", _STRING),
)

RANKED_QUERY = Shape(
    "RankedQuery",
    Prop("query", _STRING, lambda result, _: result.query.text),
    Prop("relevant", _STRINGS, lambda result, _: list(result.query.relevant)),
    Prop("first_relevant_rank", {"type": ["integer", "null"]}),
    Prop("ndcg_at_10", _NUMBER, lambda result, _: result.ndcg),
    Prop("top", _STRINGS, lambda result, _: list(result.ranking[:3])),
)

SCORES = Shape(
    "Scores",
    Prop("mrr_at_10", _NUMBER, lambda scores, _: scores.mrr),
    Prop("success_at_1", _NUMBER),
    Prop("success_at_10", _NUMBER),
    Prop("ndcg_at_10", _NUMBER, lambda scores, _: scores.ndcg),
    many("queries", RANKED_QUERY),
)

COUNTED_QUERY = Shape(
    "CountedQuery",
    Prop("query", _STRING, lambda result, _: result.query.text),
    Prop("found", _INTEGER),
    Prop("must", _INTEGER),
    Prop("precision", _NUMBER),
    Prop("recall", _NUMBER),
)

COUNT_SCORES = Shape(
    "CountScores",
    Prop("precision", _NUMBER),
    Prop("recall", _NUMBER),
    Prop("f1", _NUMBER),
    many("queries", COUNTED_QUERY),
)

SYSTEM_SCORES = Shape(
    "SystemScores",
    Prop("name", _STRING),
    Prop("description", _STRING),
    *SCORES.props_of(lambda system: system.scores),
    one("counts", COUNT_SCORES),
)

EVALUATION = Shape(
    "Evaluation",
    Prop("queries", _INTEGER, lambda evaluation, _: len(evaluation.queries)),
    Prop("count_queries", _INTEGER, lambda evaluation, _: len(evaluation.count_queries)),
    many("systems", SYSTEM_SCORES),
)
