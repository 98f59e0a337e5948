"""Policy simulation: scenarios, reforms, static comparisons and Monte Carlo runs."""
