"""Checking an iPhone, read-only: from a backup folder (Finder, iTunes, idevicebackup2) or live
over USB through pymobiledevice3 (the optional extra `safecheck[iphone]`).

`backup.py` opens a backup (decrypting an encrypted one in memory with `keybag.py`);
`backup_facts.py` (with `history.py` and `wal.py` for Safari's history) and `live.py` read the
same kinds of facts (`facts.py`) from a backup or a phone; `checks.py` turns facts into
entries, `analysis.py` judges them with the rules of `data/rules/iphone.yaml`, `report.py`
builds the Report. `known.py` holds the tables (jailbreak tools, profile payloads, iOS
versions). Nothing here changes the backup or the phone.
"""
