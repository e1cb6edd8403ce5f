"""repofolio's build backend: setuptools' own, after copying GraphiQL's npm packages into graph/http/graphiql/vendor.

An in-tree backend (PEP 517's `backend-path`), as setuptools documents for adding a step to its build: every
hook is setuptools.build_meta's; `build_wheel` and `build_editable` first run `npm ci` on package.json and
package-lock.json beside this file (npm checks every package against the lock's integrity hashes) in a temporary
directory, and copy the few files the page loads (VENDOR_FILES) into the package. Without npm, or when npm
fails (no network, no registry), the build goes on without them and /graphql says how to get them.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import setuptools.build_meta as setuptools_backend
from setuptools.build_meta import (  # noqa: F401  (the hooks a frontend calls, re-exported unchanged)
    build_sdist,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "graph" / "http" / "graphiql" / "vendor"
# node_modules path -> name in graph/http/graphiql/vendor (graph/http/playground.py loads these names).
VENDOR_FILES = {
    "react/umd/react.production.min.js": "react.production.min.js",
    "react-dom/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "graphiql/graphiql.min.js": "graphiql.min.js",
    "graphiql/graphiql.min.css": "graphiql.min.css",
    "@graphiql/plugin-explorer/dist/index.umd.js": "plugin-explorer.umd.js",
    "@graphiql/plugin-explorer/dist/style.css": "plugin-explorer.css",
    # Shipped beside the code they cover (MIT: the notice goes with the copies).
    "react/LICENSE": "react.LICENSE",
    "react-dom/LICENSE": "react-dom.LICENSE",
    "graphiql/LICENSE": "graphiql.LICENSE",
}


def say(message: str) -> None:
    print(f"repofolio build: {message}", file=sys.stderr, flush=True)


def bundle_graphiql(target: Path = TARGET, npm: str | None = None) -> bool:
    """Install the locked npm packages in a temporary directory and copy VENDOR_FILES into `target`.

    True when `target` holds a fresh copy; False (with one line on stderr saying why) when npm is missing
    or fails, leaving `target` as it was.
    """
    npm = npm or shutil.which("npm")
    if npm is None:
        say("no npm on PATH: GraphiQL is not bundled (install Node.js and npm, then build again)")
        return False
    with tempfile.TemporaryDirectory(prefix="repofolio-graphiql-") as work:
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(HERE / name, Path(work) / name)
        command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        try:
            subprocess.run(command, cwd=work, check=True, stdout=sys.stderr)
        except (OSError, subprocess.CalledProcessError) as exc:
            say(f"npm ci failed ({exc}): GraphiQL is not bundled")
            return False
        staged = Path(work) / "vendor"
        staged.mkdir()
        for source, name in VENDOR_FILES.items():
            shutil.copyfile(Path(work) / "node_modules" / source, staged / name)
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, target)
    say(f"GraphiQL bundled into {target}")
    return True


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, str | list[str]] | None = None,
    metadata_directory: str | None = None,
) -> str:
    bundle_graphiql()
    return setuptools_backend.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, str | list[str]] | None = None,
    metadata_directory: str | None = None,
) -> str:
    bundle_graphiql()  # into the source tree, which an editable install imports from
    return setuptools_backend.build_editable(wheel_directory, config_settings, metadata_directory)
