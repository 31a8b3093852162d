"""``water-models serve``: the HTTP prediction service over a :class:`FleetCache`.

``app.py`` builds the FastAPI application (routes, error answers, the cache's lifecycle),
``inputs.py`` turns request bodies into checked station data, ``forecasts.py`` runs a model on
them, ``schemas.py`` describes the answers and ``run.py`` starts uvicorn. Nothing here is
imported by ``import water_models``.
"""
