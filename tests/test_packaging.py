"""The package as a user installs it: the wheel and the dependencies it declares, without
requirements.lock. An import that only the lock file satisfies (lxml.html.clean, which
trafilatura's HTML extraction needs and which lxml no longer ships) breaks `pip install`
and is invisible to every other test, since they run in the locked environment."""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

# Installed from the wheel, from a folder outside the source tree: ingest one HTML page.
READ_HTML = """
import json, sys
from pathlib import Path
import checker
from checker.ingest import read_drop

result = read_drop(Path(sys.argv[1]))
print(json.dumps({
    "module": checker.__file__,
    "titles": [a.title for a in result.articles],
    "texts": [a.text for a in result.articles],
    "rejected": [r.reason + ": " + r.detail for r in result.rejected],
}, ensure_ascii=False))
"""


def _requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        name = requirement.split(";")[0]
        for stop in "<>=!~[ (":
            name = name.split(stop)[0]
        names.add(name.strip().lower().replace("-", "_"))
    return names


def test_pyproject_declares_the_html_cleaner(repo_root: Path) -> None:
    """Quick check of what the slow test below proves by installing."""
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "lxml_html_clean" in _requirement_names(project["project"]["dependencies"])


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_wheel_installed_without_the_lock_file_reads_html(
    tmp_path: Path, repo_root: Path, drops_dir: Path
) -> None:
    # A copy of what the wheel is built from, so that building leaves nothing in the tree.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(repo_root / name, source / name)
    for package in ("claims", "checker"):
        shutil.copytree(
            repo_root / package, source / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(wheels)], source)
    (wheel,) = wheels.glob("claimcheck-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    declared = _requirement_names(
        [r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r]
    )
    assert "lxml_html_clean" in declared

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path)

    page = tmp_path / "page" / "storm.html"
    page.parent.mkdir()
    shutil.copy2(drops_dir / "basic" / "storm.html", page)
    # -I: the source tree and PYTHONPATH are not on the path, only what was installed.
    done = _run([str(python), "-I", "-c", READ_HTML, str(page)], tmp_path)
    result = json.loads(done.stdout)
    assert Path(result["module"]).resolve().is_relative_to(venv.resolve())
    assert result["rejected"] == []
    assert result["titles"] == ["العاصفة تضرب السواحل الشرقية"]
    (text,) = result["texts"]
    assert "اقتلاع أشجار" in text and "لا ينبغي أن يظهر" not in text  # main text, no script
