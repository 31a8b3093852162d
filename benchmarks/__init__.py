"""Side-by-side benchmarks of the SDK against MLflow's own client and raw httpx (issue 7).

Run with ``python -m benchmarks`` (or ``make bench``). These are measurements, not tests: no
figure here fails a build; the report marks each target met or missed.
"""
