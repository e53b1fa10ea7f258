"""Typeset: the dossier's HTML as a PDF, with WeasyPrint, sandboxed and reproducible.

`stage.typeset` is the one entry point; it lays the document out in one pass (`engine`) or hands
it to the in-pieces builder (`pieces/`). `layout` holds the plain data the builders exchange,
`fonts` the packaged typefaces, `stylesheet` the stylesheet lookup and the sandbox's folders.
"""
