"""One module per node of the tutor graph; each exposes ``make(deps)`` returning the node."""
