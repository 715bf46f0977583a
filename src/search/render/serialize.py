"""Plain JSON-ready dicts of the core's results, shared by the JSON API and the CLI."""

from __future__ import annotations

from search.engine.evaluation import CountScores, Evaluation, Scores
from search.engine.pages import (
    ChunkView,
    DocumentPage,
    DocumentSummary,
    Hit,
    IndexStats,
    SearchPage,
    document_url,
)
from search.index.document_table import Copy, Facet


def search_page_dict(page: SearchPage) -> dict:
    """A results page as JSON data."""
    return {
        "query": page.query,
        "filters": {name: list(values) for name, values in page.request.filters.values.items()},
        "in": page.request.scope,
        "sort": page.sort,
        "total": page.total,
        "groups": page.groups,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "suggestion": page.suggestion,
        "facets": {facet.name: facet_dict(facet) for facet in page.facets},
        "results": [hit_dict(hit) for hit in page.results],
        "partial_total": page.partial_total,
        "partial_results": [hit_dict(hit) for hit in page.partial_results],
        "filter_suggestions": [
            {"filter": f.name, "value": f.value, "suggestions": list(f.suggestions)}
            for f in page.filter_suggestions
        ],
    }


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


def document_dict(document: DocumentPage) -> dict:
    """A document page as JSON data."""
    return {
        **_summary_dict(document),
        "minister_title": document.minister_title,
        "themes": document.themes,
        "number": document.number,
        "query": document.query,
        "best_chunk": document.best_anchor or None,
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
        "source": summary.source,
        "source_name": summary.source_name,
        "answered": summary.answered,
        "url": summary.url,
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
