"""Plain JSON-ready dicts of the core's results, shared by the JSON API and the CLI."""

from __future__ import annotations

from search.engine.coverage import Coverage
from search.engine.evaluation import CountScores, Evaluation, Scores
from search.engine.histogram import Histogram
from search.engine.pages import (
    ChunkView,
    DocumentPage,
    DocumentSummary,
    FacetPage,
    Hit,
    IndexStats,
    SearchPage,
    document_url,
)
from search.engine.people import Count, PersonPage
from search.index.arrays.document_table import Copy, Facet


def search_page_dict(page: SearchPage) -> dict:
    """A results page as JSON data."""
    return {
        "query": page.query,
        "filters": _filters_dict(page),
        "in": page.request.scope,
        "sort": page.sort,
        "total": page.total,
        "groups": page.groups,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "suggestion": page.suggestion,
        "facets": {facet.name: facet_dict(facet) for facet in page.facets},
        "histogram": histogram_dict(page.histogram),
        "coverage": coverage_dict(page.coverage) if page.coverage else None,
        "results": [hit_dict(hit) for hit in page.results],
        "partial_total": page.partial_total,
        "partial_results": [hit_dict(hit) for hit in page.partial_results],
        "filter_suggestions": [
            {"filter": f.name, "value": f.value, "suggestions": list(f.suggestions)}
            for f in page.filter_suggestions
        ],
    }


def histogram_dict(histogram: Histogram) -> dict:
    """The matching documents per month or year as JSON data."""
    return {
        "unit": histogram.unit,
        "periods": [
            {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "label": period.label,
                "count": period.count,
            }
            for period in histogram.periods
        ],
        "undated": histogram.undated,
    }


def coverage_dict(coverage: Coverage) -> dict:
    """What the index holds as JSON data."""
    return {
        "documents": coverage.documents,
        "built": coverage.built,
        "parliaments": [
            {
                "source": parliament.source,
                "name": parliament.name,
                "documents": parliament.documents,
                "answered": parliament.answered,
                "first": parliament.first or None,
                "last": parliament.last or None,
            }
            for parliament in coverage.parliaments
        ],
    }


def facet_page_dict(page: FacetPage) -> dict:
    """Every value of a facet for a search as JSON data."""
    return {
        "facet": page.facet.name,
        "query": page.request.q,
        "filters": _filters_dict(page),
        "total": page.total,
        **facet_dict(page.facet),
    }


def person_page_dict(page: PersonPage) -> dict:
    """A member's or minister's page as JSON data."""
    return {
        "kind": page.kind,
        "name": page.name,
        "slug": page.slug,
        "url": page.url,
        "documents": page.documents,
        "questions": page.questions,
        "answered": page.answered,
        "answered_share": round(page.answered_share, 4),
        "parties": [_count_dict(count) for count in page.parties],
        "parliaments": [_count_dict(count) for count in page.parliaments],
        "years": [_count_dict(count) for count in page.years],
        "themes": [_count_dict(count) for count in page.themes],
        "counterparts": [_count_dict(count) for count in page.counterparts],
        "unknown_counterpart": page.unknown_counterpart,
        "offices": [
            {
                "portfolio": office.portfolio,
                "label": office.label,
                "source": office.parliament,
                "from": office.start.isoformat(),
                "to": office.end.isoformat(),
                "sources": office.source,
            }
            for office in page.offices
        ],
        "search": search_page_dict(page.results),
    }


def _count_dict(count: Count) -> dict:
    return {"label": count.label, "count": count.count, "url": count.url}


def _filters_dict(page: SearchPage | FacetPage) -> dict:
    return {name: list(values) for name, values in page.request.filters.values.items()}


def facet_dict(facet: Facet) -> dict:
    """One facet as JSON data."""
    return {
        "label": facet.label,
        "values": [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in facet.values
        ],
        "other": facet.other,
        "missing": facet.missing,
    }


def hit_dict(hit: Hit) -> dict:
    """One result as JSON data."""
    return {
        **_summary_dict(hit),
        "score": hit.score,
        "snippet": hit.snippet,
        "permalink": hit.permalink,
        "chunk": {
            "kind": hit.chunk.kind,
            "number": hit.chunk.number,
            "label": hit.chunk.label,
            "anchor": hit.chunk.anchor,
        },
        "group": [copy_dict(copy) for copy in hit.copies],
        "why": [{"word": m.word, "match": m.how or None, "found": list(m.found)} for m in hit.why],
        "partial": hit.partial,
    }


def copy_dict(copy: Copy) -> dict:
    """Another copy of a grouped question as JSON data."""
    return {
        "id": copy.id,
        "url": document_url(copy.id),
        "minister": copy.minister,
        "answered": copy.answered,
        "matched": copy.matched,
    }


def document_dict(document: DocumentPage, base_url: str = "") -> dict:
    """A document page as JSON data; `base_url` makes the permalink absolute."""
    return {
        **_summary_dict(document),
        "minister_title": document.minister_title,
        "themes": document.themes,
        "number": document.number,
        "reference": document.reference,
        "citation": document.citation,
        "permalink": base_url + document.url,
        "query": document.query,
        "best_chunk": document.best_anchor or None,
        "passage": document.passage or None,
        "chunks": [_chunk_dict(chunk) for chunk in document.chunks],
        "group": [copy_dict(copy) for copy in document.copies],
        "related": [_summary_dict(related) for related in document.related],
    }


def stats_dict(stats: IndexStats) -> dict:
    """Index facts as JSON data."""
    return {
        "documents": stats.documents,
        "per_source": stats.per_source,
        "chunks": stats.chunks,
        "size_bytes": stats.size_bytes,
        "built": stats.built,
        "path": stats.path,
    }


def _summary_dict(summary: DocumentSummary) -> dict:
    return {
        "id": summary.id,
        "title": summary.title,
        "date": summary.date or None,
        "member": summary.member,
        "party": summary.party,
        "minister": summary.minister,
        "minister_label": summary.minister_label,
        "source": summary.source,
        "source_name": summary.source_name,
        "answered": summary.answered,
        "url": summary.url,
        "member_url": summary.member_url,
        "minister_url": summary.minister_url,
    }


def _chunk_dict(chunk: ChunkView) -> dict:
    return {
        "anchor": chunk.ref.anchor,
        "kind": chunk.ref.kind,
        "number": chunk.ref.number,
        "label": chunk.ref.label,
        "question_html": chunk.question_html,
        "answer_html": chunk.answer_html,
        "matched": chunk.matched,
    }


def evaluation_dict(evaluation: Evaluation) -> dict:
    """Ranking and matching-set figures of Parlsearch and the baselines as JSON data."""
    return {
        "queries": len(evaluation.queries),
        "count_queries": len(evaluation.count_queries),
        "systems": [
            {
                "name": system.name,
                "description": system.description,
                **_scores_dict(system.scores),
                "counts": _counts_dict(system.counts),
            }
            for system in evaluation.systems
        ],
    }


def _scores_dict(scores: Scores) -> dict:
    return {
        "mrr_at_10": scores.mrr,
        "success_at_1": scores.success_at_1,
        "success_at_10": scores.success_at_10,
        "ndcg_at_10": scores.ndcg,
        "queries": [
            {
                "query": result.query.text,
                "relevant": list(result.query.relevant),
                "first_relevant_rank": result.first_relevant_rank,
                "ndcg_at_10": result.ndcg,
                "top": list(result.ranking[:3]),
            }
            for result in scores.queries
        ],
    }


def _counts_dict(counts: CountScores) -> dict:
    return {
        "precision": counts.precision,
        "recall": counts.recall,
        "f1": counts.f1,
        "queries": [
            {
                "query": result.query.text,
                "found": result.found,
                "must": result.must,
                "precision": result.precision,
                "recall": result.recall,
            }
            for result in counts.queries
        ],
    }
