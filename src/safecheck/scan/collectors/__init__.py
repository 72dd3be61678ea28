"""Collectors: read what is on the inspected system, never change it."""
