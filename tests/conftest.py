"""Shared test setup: tests never touch the user's cache, never reach a model hub, track beats with librosa
unless they ask for another tracker, and run torch on one thread."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# "auto" means librosa in tests whatever else is installed: fast, and what the analysis tests were written for;
# the neural backends have their own tests (test_analysis_trackers.py)
os.environ.setdefault("BINARYDREAM_BEATS", "librosa")

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
