"""The guided checkup: checklists (model, loading, asking, outcomes, scripted answers) and
`run.py`, which turns the answers into a Report."""
