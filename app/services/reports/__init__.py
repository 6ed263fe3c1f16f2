"""Reports: daily roll-ups folded from the history, and the reports read from them."""
