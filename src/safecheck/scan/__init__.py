"""Machine inspection: `collectors/` read the inspected system into entries, `analysis/` judges
them into hits, and `run.py` turns hits and coverage into a Report."""
