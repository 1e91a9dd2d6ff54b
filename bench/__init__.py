"""make bench: cost of our provider against the engine's own floor, with the real CLI."""
