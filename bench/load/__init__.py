"""`python -m bench.load`: the app under gunicorn, a bounded mixed workload and faults, then a
check that every write that was answered with success is stored once and nothing else is."""
