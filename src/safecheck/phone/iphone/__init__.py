"""Checking an iPhone, read-only: from a backup folder (Finder, iTunes, idevicebackup2) or live
over USB through pymobiledevice3 (the optional extra `safecheck[iphone]`).

`backup.py` opens a backup (decrypting an encrypted one in memory with `keybag.py`),
`backup_facts.py` and `live.py` read the same kinds of facts (`facts.py`) from either,
`checks.py` turns facts into entries, `analysis.py` judges them with the rules of
`data/rules/iphone.yaml`, `report.py` builds the Report. Nothing here changes the backup or the
phone.
"""
