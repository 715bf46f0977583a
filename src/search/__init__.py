"""Parlsearch: full-text search over Dutch-language parliamentary written questions and answers."""
