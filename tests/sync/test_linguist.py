import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sync.linguist import language_color, language_colors

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_known_language_has_its_linguist_color() -> None:
    """Python is Linguist's #3572A5."""
    assert language_color("Python") == "#3572A5"


def test_unknown_and_colorless_languages_have_no_color() -> None:
    """An unknown name and a language Linguist gives no color both come back as None."""
    assert language_color("Not A Real Language") is None
    assert "Text" in language_colors() and language_color("Text") is None


def test_colors_are_loaded_once_and_read_only() -> None:
    """The mapping is cached and cannot be changed by a caller."""
    colors = language_colors()
    assert colors is language_colors()
    assert len(colors) > 500
    with pytest.raises(TypeError):
        colors["Python"] = "#000000"  # type: ignore[index]


def test_wheel_carries_language_data(tmp_path: Path) -> None:
    """A plain wheel build ships sync/data/languages.json and its license.

    Builds a real wheel (about 3 s; pip fetches setuptools from the package index unless cached) from a copy
    of the sources, so the shared checkout gets no build/ directory.
    """
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO_ROOT / name).exists():
            shutil.copy2(REPO_ROOT / name, source / name)
    # build_backend/ is the build backend pyproject.toml names; GraphiQL's vendor copies are not this test's.
    for package in ("db", "sync", "graph", "build_backend"):
        shutil.copytree(REPO_ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "PATH": str(Path(sys.executable).parent)},  # no npm: the build skips GraphiQL's step
    )
    (wheel,) = (tmp_path / "dist").glob("repofolio-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "sync/data/languages.json" in names
    assert "sync/data/LICENSE-linguist" in names
