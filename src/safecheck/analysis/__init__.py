"""Analysis: turn collectors' entries into findings, with stable ids and texts."""
