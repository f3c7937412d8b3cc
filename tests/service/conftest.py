"""Fixtures of the service tests: an app serving the toy network (Alpha → Epsilon)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from silkrail.service import Settings, create_app

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import FastAPI


@pytest.fixture
def toy_settings(toy_dir: Path, tmp_path: Path) -> Settings:
    # A shipments store of its own, never the user's.
    return Settings(data=toy_dir, database=f"sqlite:///{tmp_path / 'shipments.sqlite'}")


@pytest.fixture
def app(toy_settings: Settings) -> FastAPI:
    return create_app(toy_settings)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    # No `with`: the lifespan warm-up is not needed for API tests.
    return TestClient(app, raise_server_exceptions=False)
