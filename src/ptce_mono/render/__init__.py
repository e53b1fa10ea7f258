"""Render: the cross-case model and the monographs as one HTML document, French typography applied,
with the figures (the map) drawn as SVG."""
