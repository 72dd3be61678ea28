"""safecheck: guided, read-only checks for monitoring by a partner or ex-partner."""

__version__ = "0.1.0"
