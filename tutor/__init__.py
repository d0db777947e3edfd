"""NHI security tutor: adaptive decision training for people who handle non-human identities."""

__version__ = "0.1.0"
