"""The Dutch text layer: one analysis used at index time, at query time and for highlighting.

Tokens, case and accent folding, stopwords, compound splitting on a real Dutch lexicon and
stemming (`analysis`, `compounds`), with their word lists in `data/`.

May import: the standard library, Whoosh's analysis parts, snowballstemmer and wordfreq; nothing
else of `search`.
"""
