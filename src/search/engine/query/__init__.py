"""A query: what a user typed, parsed, planned over documents, scored and found in texts."""
