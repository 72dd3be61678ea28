"""The Report: its value (`model.py`), its JSON and integrity digest (`jsonio.py`), finding rules
and findings (`rules.py`, `findings.py`), redaction, and `render/` for every output format."""
