#!/usr/bin/env python3
import json, pathlib
print(json.dumps(sorted(p.name for p in pathlib.Path('/etc').iterdir())))
