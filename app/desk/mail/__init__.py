"""An agent's mail settings."""
