"""Pure domain rules: no Flask, no SQLAlchemy, no models. Time is always an argument."""
