"""Service levels: each ticket's clocks, the policy and calendar it runs on, their admin, and the
ticket's SLA panel.
"""
