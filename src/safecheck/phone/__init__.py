"""Checking an Android phone over USB with `adb`, read-only.

`adb.py` runs only the read-only commands of a fixed allow-list, `parsers.py` reads their real
output, `check.py` turns it into entries, `analysis.py` judges them with the rules of
`data/rules/phone.yaml`, and `engine.py` builds the Report. Nothing here installs, removes,
grants, revokes or changes anything on the phone.
"""
