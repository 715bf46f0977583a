"""Flemish Parliament documents as PDF: text through pypdf, then the text parser."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from search.ingest.document import Document
from search.ingest.parse_flemish import ParseError, parse_flemish_text


def parse_flemish_pdf(path: Path) -> Document:
    """Extract the text layer of a PDF and parse it as a Flemish question and answer."""
    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:  # pypdf fails on damaged files with errors of every kind
        raise ParseError(f"onleesbare PDF ({type(error).__name__})") from error
    text = "\n".join(pages)
    if not text.strip():
        raise ParseError("de PDF heeft geen tekstlaag (een scan?)")
    return parse_flemish_text(text, origin=str(path))
