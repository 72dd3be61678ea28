"""Checking a phone, read-only. `android/` talks to Android phones over adb: `adb.py` runs only
the read-only commands of a fixed allow-list, `parsers.py` reads their real output, `checks.py`
turns it into entries, `analysis.py` judges them with the rules of `data/rules/phone.yaml`.
`run.py` builds the Report. Nothing here installs, removes, grants, revokes or changes anything
on the phone.
"""
