"""Real production parts for the tests: PostgreSQL, an S3 server (moto), and MLflow on both.

Each part is started by the tests themselves, on loopback, on a free port, with its data in a
temporary folder, and stopped at the end: a clean checkout needs nothing but the packages.
Also ``imports``: what a snippet loads in a fresh interpreter; ``routes``: the route tables of
the installed MLflow, the ground truth of the spec and of the OpenAPI document.
"""
