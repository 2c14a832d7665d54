"""The HTTP API (FastAPI) for the systems trials already run: versioned routes under /v1, keyed by role, audited.

It stands beside ``app/`` on the same core: the same reader, model registry, flag rule, store and settings, so a
file scored here gives the probabilities, flags, contacts and reasons the app and the command line give.
Start it with ``python -m api`` (uvicorn on 127.0.0.1, port RRADAR_API_PORT, default 8000).
"""
