"""The parse cache of load_spec: keyed by content, read on the second load, never fatal."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from chatgw.openapi import load_spec, loader


def _cache_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("spec-*.pickle"))


def _refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(raw: bytes, path: Path) -> None:
        raise AssertionError("the spec was parsed although it is cached")

    monkeypatch.setattr(loader, "_parse", parse)


def test_load_spec_second_load_reads_the_pickle(
    small_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    first = load_spec(small_path, cache_dir=cache_dir)
    assert len(_cache_files(cache_dir)) == 1
    _refuse_parsing(monkeypatch)
    second = load_spec(small_path, cache_dir=cache_dir)
    assert second.operation("rotateProjectKey") == first.operation("rotateProjectKey")


def test_load_spec_changed_content_misses_the_cache(small_path: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    load_spec(small_path, cache_dir=cache_dir)
    small_path.write_text(small_path.read_text().replace("Acme Cloud", "Acme Two"), encoding="utf-8")
    assert load_spec(small_path, cache_dir=cache_dir).title == "Acme Two"
    assert len(_cache_files(cache_dir)) == 2


@pytest.mark.parametrize(
    "content",
    [
        b"not a pickle at all",
        b"",
        pickle.dumps(("0" * 64, {"openapi": "3.0.0"})),  # stored under another digest
        pickle.dumps((None, Path("/etc"))),  # names a class: refused, never run
    ],
    ids=["garbage", "empty", "other-digest", "names-a-class"],
)
def test_load_spec_ignores_a_corrupt_cache_file(small_path: Path, tmp_path: Path, content: bytes) -> None:
    cache_dir = tmp_path / "cache"
    load_spec(small_path, cache_dir=cache_dir)
    (cache_file,) = _cache_files(cache_dir)
    cache_file.write_bytes(content)
    spec = load_spec(small_path, cache_dir=cache_dir)
    assert spec.operation("listKeys") is not None
    assert cache_file.read_bytes() != content  # rewritten with the freshly parsed document


def test_load_spec_unusable_cache_dir_still_loads(small_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    assert load_spec(small_path, cache_dir=blocker).title == "Acme Cloud"


def test_load_spec_cache_defaults_to_xdg_cache_home(
    small_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_spec(small_path)
    assert len(_cache_files(tmp_path / "xdg" / "chatgw")) == 1
