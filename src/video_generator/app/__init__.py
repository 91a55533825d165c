"""The process wiring: agents built and cached, the mesh launched, its cards, remote runs."""
