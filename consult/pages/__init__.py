"""The top layer: pages that combine areas (see views)."""
