"""Live capture board: facilitators record entries during a meeting; a projector shows them."""
