"""Plain JSON-ready dicts of the core's results, shared by the JSON API and the CLI."""

from __future__ import annotations

from search.evaluation import Scores
from search.searching import ChunkView, DocumentPage, Hit, IndexStats, SearchPage


def search_page_dict(page: SearchPage) -> dict:
    """A results page as JSON data."""
    return {
        "query": page.query,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "results": [hit_dict(hit) for hit in page.results],
    }


def hit_dict(hit: Hit) -> dict:
    """One result as JSON data."""
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date or None,
        "member": hit.member,
        "party": hit.party,
        "minister": hit.minister,
        "source": hit.source,
        "source_name": hit.source_name,
        "answered": hit.answered,
        "url": hit.url,
        "score": hit.score,
        "snippet": hit.snippet,
        "chunk": {
            "kind": hit.chunk.kind,
            "number": hit.chunk.number,
            "label": hit.chunk.label,
            "anchor": hit.chunk.anchor,
        },
    }


def document_dict(document: DocumentPage) -> dict:
    """A document page as JSON data."""
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date or None,
        "member": document.member,
        "party": document.party,
        "minister": document.minister,
        "minister_title": document.minister_title,
        "themes": document.themes,
        "source": document.source,
        "source_name": document.source_name,
        "number": document.number,
        "answered": document.answered,
        "url": document.url,
        "query": document.query,
        "best_chunk": document.best_anchor or None,
        "chunks": [_chunk_dict(chunk) for chunk in document.chunks],
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


def _chunk_dict(chunk: ChunkView) -> dict:
    return {
        "anchor": chunk.anchor,
        "kind": chunk.kind,
        "number": chunk.number,
        "label": chunk.label,
        "question_html": chunk.question_html,
        "answer_html": chunk.answer_html,
        "matched": chunk.matched,
    }


def scores_dict(scores: Scores) -> dict:
    """Relevance figures as JSON data."""
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
