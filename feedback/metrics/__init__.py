"""Prometheus metrics at `/metrics` (SPEC §11): what each web process counts of its own requests
(requests.py), what the database says at scrape time (scrape.py), and the endpoint with its
protection (api.py). docs/operations.md, Monitoring, lists every metric."""
