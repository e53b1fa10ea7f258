"""Analyse: the cross-case model of the printed monographs (framework matrix, typology, SWOT,
comparison, référentiel) and the editors' strategic options checked against it."""
