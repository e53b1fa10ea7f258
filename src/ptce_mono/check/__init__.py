"""Validate: the monographs against the grid (`validate`), the reports that show the problems
(`report`), and the authoring aids made from the grid (`schema`, `scaffold`)."""
