"""What every stage shares: the problem record, the library's errors, text helpers, atomic files.

Nothing here knows of monographs, grids or PDFs; every other subpackage may import it.
"""
