"""Proof stage: the typeset PDF read back and checked as a proof-reader would, never changed."""
