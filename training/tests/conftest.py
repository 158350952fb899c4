"""Shared fixtures: a generated snapshot, the real MiniLM embedder (cached per session), and a fresh
PostgreSQL database with the project's migrations applied (dropped afterwards)."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from training.tests.synth import write_snapshot  # noqa: E402

ADMIN_DSN = os.environ.get("SOUK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def snapshot_dir(tmp_path_factory) -> Path:
    return write_snapshot(tmp_path_factory.mktemp("snap"))


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    from training.features import TextEmbedder

    return TextEmbedder(cache_dir=tmp_path_factory.mktemp("textcache"))


@pytest.fixture(scope="session")
def prepared(snapshot_dir, embedder):
    from training.config import TrainConfig
    from training.train import prepare

    return prepare(snapshot_dir, TrainConfig(), embed_text=embedder)


@pytest.fixture()
def pg_dsn():
    """A new database souk_test_<random> with migrations/*.sql applied in file-name order."""
    name = f"souk_test_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(ADMIN_DSN, autocommit=True)
    except psycopg.OperationalError as e:  # no server: the DB tests cannot run here
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_DSN}: {e}")
    admin.execute(f'CREATE DATABASE "{name}"')
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for f in sorted((ROOT / "migrations").glob("*.sql")):
                conn.execute(f.read_text())
        yield dsn
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
