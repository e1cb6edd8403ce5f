"""The build backend's GraphiQL step: the files /graphql loads when npm is there, a build that goes on when not."""

import importlib.util
import json
import stat
from pathlib import Path
from types import ModuleType

import pytest

from graph.http import playground

ROOT = Path(__file__).resolve().parents[2]


def load_backend() -> ModuleType:
    spec = importlib.util.spec_from_file_location("repofolio_build", ROOT / "build_backend" / "repofolio_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


backend = load_backend()


def fake_npm(tmp_path: Path, *, fails: bool = False) -> str:
    """An `npm` that records its arguments and, for `ci`, lays out node_modules with each file the lock brings."""
    script = tmp_path / "bin" / "npm"
    script.parent.mkdir()
    lines = ["#!/bin/sh", f'echo "$*" > "{tmp_path}/npm-args"', "test -f package-lock.json || exit 3"]
    if fails:
        lines.append("echo 'npm error network' >&2; exit 1")
    for source in backend.VENDOR_FILES:
        lines.append(f'mkdir -p "node_modules/$(dirname {source})" && echo "/* {source} */" > "node_modules/{source}"')
    script.write_text("\n".join(lines) + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_the_copied_files_are_the_ones_the_page_loads(tmp_path: Path) -> None:
    """`npm ci` on the committed lock, then exactly the vendor files graph/http/playground.py serves (and the
    licences beside them) land in the package."""
    target = tmp_path / "vendor"
    assert backend.bundle_graphiql(target, npm=fake_npm(tmp_path)) is True
    assert (tmp_path / "npm-args").read_text().split()[0] == "ci"
    loaded = {name.removeprefix("vendor/") for name in (*playground.SCRIPTS, *playground.STYLES) if "vendor/" in name}
    licences = {"react.LICENSE", "react-dom.LICENSE", "graphiql.LICENSE"}
    assert {path.name for path in target.iterdir()} == loaded | licences


def test_without_npm_the_build_goes_on_without_graphiql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No npm on PATH: setuptools still builds the wheel, and one line says GraphiQL is not bundled."""
    monkeypatch.setenv("PATH", str(tmp_path))
    built: list[str] = []
    monkeypatch.setattr(
        backend.setuptools_backend, "build_wheel", lambda directory, *_: built.append(directory) or "w.whl"
    )
    monkeypatch.setattr(backend, "TARGET", tmp_path / "vendor")
    assert backend.bundle_graphiql(tmp_path / "vendor") is False
    assert backend.build_wheel(str(tmp_path)) == "w.whl"
    assert built == [str(tmp_path)]
    assert "no npm on PATH: GraphiQL is not bundled" in capsys.readouterr().err
    assert not (tmp_path / "vendor").exists()


def test_a_failing_npm_keeps_the_previous_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Offline or refused by the registry, npm fails: the build goes on and what an earlier build copied stays."""
    target = tmp_path / "vendor"
    target.mkdir()
    (target / "graphiql.min.js").write_text("earlier")
    assert backend.bundle_graphiql(target, npm=fake_npm(tmp_path, fails=True)) is False
    assert (target / "graphiql.min.js").read_text() == "earlier"
    assert "npm ci failed" in capsys.readouterr().err


def test_the_lock_pins_what_package_json_names() -> None:
    """npm ci refuses a lock out of step with package.json: the committed pair agrees, every package checksummed."""
    manifest = json.loads((ROOT / "build_backend" / "package.json").read_text())
    lock = json.loads((ROOT / "build_backend" / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
    for name, version in manifest["dependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert all(entry.get("integrity", "").startswith("sha512-") for path, entry in lock["packages"].items() if path)
