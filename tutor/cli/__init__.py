"""The ``tutor`` command line."""
