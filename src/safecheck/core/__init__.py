"""What every part of safecheck uses: value types, errors, messages, YAML with positions, safe
file writing, encryption, help contacts, entries and the read-only program runner.

Nothing in here imports any other part of safecheck (an import-linter contract keeps it so).
"""
