"""`repofolio serve` prints repofolio's own log lines beside uvicorn's, in its style, at REPOFOLIO_LOG_LEVEL."""

import subprocess
import sys
from pathlib import Path

from tests.graph.serving import clean_environment, serve_demo

LOADED = "INFO:     loaded the demo data set"


def test_serve_prints_its_start_up_line_in_uvicorns_style(tmp_path: Path) -> None:
    with serve_demo(tmp_path / "demo.db", {}, output=tmp_path / "out"):
        pass
    lines = (tmp_path / "out").read_text().splitlines()
    assert LOADED in lines
    assert lines.index(LOADED) < lines.index("INFO:     Application startup complete.")


def test_a_log_level_of_warning_silences_info_lines_ours_and_uvicorns(tmp_path: Path) -> None:
    with serve_demo(tmp_path / "demo.db", {"REPOFOLIO_LOG_LEVEL": "WARNING"}, output=tmp_path / "out"):
        pass
    assert "INFO:" not in (tmp_path / "out").read_text()


def test_an_unknown_log_level_stops_start_up_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "serve", "--demo"],
        env=clean_environment(tmp_path / "demo.db", {"REPOFOLIO_LOG_LEVEL": "loud"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("repofolio: invalid REPOFOLIO_LOG_LEVEL"), result.stderr
