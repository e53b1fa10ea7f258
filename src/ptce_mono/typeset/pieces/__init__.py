"""The in-pieces builder: the dossier cut at its forced page breaks, the pieces typeset in
parallel processes and cached by content, then merged into one PDF."""
