"""Shared test setup: tests never touch the user's cache, never reach a model hub, and run torch on one thread."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BINARYDREAM_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def hub_offline(monkeypatch):
    """The model hub as this machine sees it: unreachable, so loaders must answer from local files or fail clearly."""
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
