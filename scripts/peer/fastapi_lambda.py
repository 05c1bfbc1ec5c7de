"""The seed's FastAPI journal API (ntanwir10/python-journal-api) as a Lambda function, wrapped
with Mangum as the blog does, for `loadgen tune` (scripts/compare-peer). Ours, not the peer's:
the peer's code is imported from its checkout (on PYTHONPATH), never copied.

Environment: scripts/compare-peer gives DATABASE_URL and JWT_SECRET (loadgen tune --env); the
peer's settings want POSTGRES_* and SECRET_KEY, so they are derived here before the app loads.
What differs from the peer as its README runs it (scripts/peer/fastapi-journal.toml says why):
rate limiting off, and GET /health answered by this wrapper (the peer has none; today's tune
times it).
"""

import os
from urllib.parse import urlparse

_url = urlparse(os.environ.get("DATABASE_URL", ""))
os.environ.setdefault("POSTGRES_USER", _url.username or "postgres")
os.environ.setdefault("POSTGRES_PASSWORD", _url.password or "")
os.environ.setdefault("POSTGRES_HOST", _url.hostname or "127.0.0.1")
os.environ.setdefault("POSTGRES_PORT", str(_url.port or 5432))
os.environ.setdefault("POSTGRES_DB", (_url.path or "/postgres").lstrip("/"))
os.environ.setdefault("SECRET_KEY", os.environ.get("JWT_SECRET", "tune-secret"))
os.environ.setdefault("RATE_LIMIT_ENABLED", "false")

from mangum import Mangum  # noqa: E402

from app.main import app  # noqa: E402


@app.get("/health")
async def _health():
    return {"status": "healthy"}


# Mangum(app) as the blog writes it: its default lifespan ("auto") runs the app's startup, the
# peer's create_all, around every invocation; that cost is the blog's setup's, and is measured.
# The tables are created by the first invocation, so no migrate role is needed.
api = Mangum(app)
