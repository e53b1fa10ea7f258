"""Load and parse: the grid, the dossier's settings and the monographs, read with their positions.

Every YAML file the tool reads goes through `yamlsafe` (nodes with line and column); the grid's
field types turn a monograph's front matter into checked values (`fields`). Parsing never raises
on bad content: it records problems and keeps what it could read.
"""
