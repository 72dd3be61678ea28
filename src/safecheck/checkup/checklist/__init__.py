"""Checklists: the data model, the validating loader, and the question-by-question runner."""
