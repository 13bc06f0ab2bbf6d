"""Rules come in through one door: built-in rule modules are found, not listed, and other
packages add rules through entry points of group ``claimcheck.rules``.

The outside rule is ``tests/data/plugin_rule/withdrawal_watch.py``; each test installs it
(or a broken variant) as a distribution in a temporary folder: the module, and a
``.dist-info`` folder with ``METADATA`` and ``entry_points.txt``.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import checker.rules
from checker.linking import link
from checker.rules import check
from checker.rules.registry import (
    ENTRY_POINT_GROUP,
    RegistryError,
    RuleRegistry,
    default_registry,
    register_builtin_rules,
    register_plugin_rules,
)
from checker.settings import CheckerSettings
from tests.claim_builders import claim, day, place

DATA = Path(__file__).resolve().parent / "data" / "plugin_rule"
PLUGIN_SOURCE = (DATA / "withdrawal_watch.py").read_text(encoding="utf-8")
PLUGIN_MODULE = "claimcheck_withdrawal_watch"
DIST = "claimcheck-withdrawal-watch"
BUILTIN_CODES = [f"C{i:03d}" for i in range(1, 13)]


def write_distribution(
    root: Path,
    modules: dict[str, str],
    entry_points: dict[str, str],
    *,
    dist: str = DIST,
    version: str = "1.0",
) -> Path:
    """Write an installed distribution into ``root`` (a folder to put on the path)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (root / f"{name}.py").write_text(source, encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{ENTRY_POINT_GROUP}]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[None]:
    """Distributions written by a test are seen by ``default_registry``, and forgotten
    (their modules, the cached registry) afterwards."""
    default_registry.cache_clear()
    yield
    default_registry.cache_clear()
    for name, module in list(sys.modules.items()):
        if Path(getattr(module, "__file__", None) or "/").is_relative_to(tmp_path):
            del sys.modules[name]


def install(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    modules: dict[str, str],
    entry_points: dict[str, str],
    **kwargs: Any,
) -> None:
    monkeypatch.syspath_prepend(
        str(write_distribution(tmp_path / "site", modules, entry_points, **kwargs))
    )


# --- built-in rules are found ------------------------------------------------------------


def _modules_with_register() -> list[str]:
    found = []
    for info in pkgutil.iter_modules(checker.rules.__path__):
        module = importlib.import_module(f"checker.rules.{info.name}")
        if callable(getattr(module, "register", None)):
            found.append(info.name)
    return found


def test_every_rule_module_of_the_package_is_registered_in_code_order() -> None:
    """Adding a rule is adding its file: no list of modules to keep in step."""
    expected = RuleRegistry()
    for name in _modules_with_register():
        importlib.import_module(f"checker.rules.{name}").register(expected)
    registry = RuleRegistry()
    register_builtin_rules(registry)
    codes = [spec.code for spec in registry.specs]
    assert sorted(codes) == sorted(spec.code for spec in expected.specs)
    assert codes == sorted(codes) == BUILTIN_CODES
    assert all(registry.origin(code) == "" for code in codes)


def test_a_new_rule_file_is_registered_without_touching_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: None
) -> None:
    source = PLUGIN_SOURCE.replace('"withdrawal_watch.v1"', '"withdrawal_note.v1"')
    (tmp_path / "withdrawal_note.py").write_text(source, encoding="utf-8")
    (tmp_path / "helpers.py").write_text("VALUE = 1\n", encoding="utf-8")  # no register
    monkeypatch.setattr(checker.rules, "__path__", [*checker.rules.__path__, str(tmp_path)])
    registry = RuleRegistry()
    register_builtin_rules(registry)
    registry.build()
    assert [s.code for s in registry.specs] == [*BUILTIN_CODES, "C950"]
    assert registry.get("withdrawal_note").spec.name == "withdrawal_note.v1"


def test_engine_modules_are_not_rules() -> None:
    registry = RuleRegistry()
    register_builtin_rules(registry)
    assert len(registry) == len(_modules_with_register()) == len(BUILTIN_CODES)


# --- outside rules come in through entry points ---------------------------------------------


def test_an_entry_point_adds_its_rules_after_the_builtin_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: None
) -> None:
    install(
        tmp_path,
        monkeypatch,
        {PLUGIN_MODULE: PLUGIN_SOURCE},
        {"withdrawal_watch": f"{PLUGIN_MODULE}:register"},
    )
    registry = default_registry()
    assert [s.code for s in registry.specs] == [*BUILTIN_CODES, "C950"]
    origin = registry.origin("withdrawal_watch.v1")
    assert f"'withdrawal_watch = {PLUGIN_MODULE}:register'" in origin
    assert f"'{DIST} 1.0'" in origin


def test_an_entry_point_may_name_a_module_with_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: None
) -> None:
    install(
        tmp_path, monkeypatch, {PLUGIN_MODULE: PLUGIN_SOURCE}, {"withdrawal_watch": PLUGIN_MODULE}
    )
    assert default_registry().get("C950").spec.name == "withdrawal_watch.v1"


def test_installing_or_upgrading_a_plugin_changes_the_registry_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: None
) -> None:
    """The run links everything again when the fingerprint changes, so an outside rule
    also checks events stored before it was installed."""
    builtin = default_registry().fingerprint()
    default_registry.cache_clear()
    install(
        tmp_path,
        monkeypatch,
        {PLUGIN_MODULE: PLUGIN_SOURCE},
        {"withdrawal_watch": f"{PLUGIN_MODULE}:register"},
    )
    first = default_registry().fingerprint()
    registry = RuleRegistry()
    register_builtin_rules(registry)
    upgraded = write_distribution(
        tmp_path / "upgraded", {}, {"withdrawal_watch": f"{PLUGIN_MODULE}:register"}, version="1.1"
    )
    monkeypatch.syspath_prepend(str(upgraded))
    register_plugin_rules(registry)
    assert len({builtin, first, registry.build().fingerprint()}) == 3


BROKEN_SPEC = PLUGIN_SOURCE.replace('"withdrawal_watch.v1"', '"withdrawal_watch"').replace(
    '"C950"', '"C001"'
)


@pytest.mark.parametrize(
    ("modules", "target", "expected"),
    [
        pytest.param(
            {},
            f"{PLUGIN_MODULE}:register",
            "cannot be loaded (ModuleNotFoundError",
            id="missing-module",
        ),
        pytest.param(
            {PLUGIN_MODULE: "import no_such_package_anywhere\n"},
            f"{PLUGIN_MODULE}:register",
            "cannot be loaded (ModuleNotFoundError",
            id="import-fails",
        ),
        pytest.param(
            {PLUGIN_MODULE: PLUGIN_SOURCE},
            f"{PLUGIN_MODULE}:WithdrawalWatch",
            "names a rule class",
            id="rule-class",
        ),
        pytest.param(
            {PLUGIN_MODULE: "VALUE = 1\n"},
            PLUGIN_MODULE,
            "has no register(registry) function",
            id="no-register",
        ),
        pytest.param(
            {PLUGIN_MODULE: "def register(registry):\n    raise KeyError('x')\n"},
            f"{PLUGIN_MODULE}:register",
            "register failed (KeyError",
            id="register-raises",
        ),
        pytest.param(
            {PLUGIN_MODULE: BROKEN_SPEC},
            f"{PLUGIN_MODULE}:register",
            "must be versioned",
            id="bad-spec",
        ),
        pytest.param(
            {PLUGIN_MODULE: BROKEN_SPEC},
            f"{PLUGIN_MODULE}:register",
            "C001: code used by date_conflict.v1 and withdrawal_watch",
            id="taken-code",
        ),
    ],
)
def test_a_broken_plugin_is_a_registry_error_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    installed: None,
    modules: dict[str, str],
    target: str,
    expected: str,
) -> None:
    install(tmp_path, monkeypatch, modules, {"withdrawal_watch": target})
    with pytest.raises(RegistryError) as caught:
        default_registry()
    problem = next(p for p in caught.value.problems if expected in p)
    assert problem.startswith(
        f"entry point 'withdrawal_watch = {target}' of distribution '{DIST} 1.0': "
    )


def test_every_plugin_problem_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: None
) -> None:
    install(
        tmp_path,
        monkeypatch,
        {PLUGIN_MODULE: BROKEN_SPEC},
        {"a_missing": "not_there:register", "b_bad_spec": f"{PLUGIN_MODULE}:register"},
    )
    with pytest.raises(RegistryError) as caught:
        default_registry()
    problems = caught.value.problems
    assert any("'a_missing = not_there:register'" in p for p in problems)
    assert any("'b_bad_spec" in p and "must be versioned" in p for p in problems)


def test_a_disabled_plugin_rule_does_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: None
) -> None:
    install(
        tmp_path,
        monkeypatch,
        {PLUGIN_MODULE: PLUGIN_SOURCE},
        {"withdrawal_watch": f"{PLUGIN_MODULE}:register"},
    )
    niamey = place("niamey_air_base", "niamey", "niger", surface="القاعدة الجوية في نيامي")
    claims = [
        claim(
            name,
            "بدأت القوات الفرنسية الانسحاب من القاعدة الجوية في نيامي",
            "withdrawal",
            location=niamey,
            phase="began",
            time=day("2023-10-10"),
        )
        for name in ("A", "B")
    ]
    graph = link(claims)
    assert "C950" in {f.code for f in check(graph, claims, settings=CheckerSettings())}
    for disabled in ('["C950"]', '["withdrawal_watch"]', '["withdrawal_watch.v1"]'):
        monkeypatch.setenv("CLAIMCHECK_CHECKER_DISABLED_RULES", disabled)
        settings = CheckerSettings()
        assert "C950" not in {f.code for f in check(graph, claims, settings=settings)}


# --- the docs say how ---------------------------------------------------------------------


@pytest.mark.parametrize("doc", ["rules.md", "architecture.md"])
def test_docs_show_how_to_add_a_rule_in_a_file_and_in_another_package(doc: str) -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / doc).read_text(encoding="utf-8")
    section = text.split("## Adding a rule\n", 1)[1].split("\n## ", 1)[0]
    assert f'[project.entry-points."{ENTRY_POINT_GROUP}"]' in section
    assert "def register(registry" in section or "`register(registry)`" in section
    assert "docs/rules.md" in section or doc == "rules.md"


# --- an outside rule runs in `claimcheck run` ---------------------------------------------

ARTICLES = {
    "niamey_a.txt": "انسحاب فرنسي من النيجر\n\n"
    "بدأت القوات الفرنسية يوم الأحد 10 سبتمبر 2023 الانسحاب من القاعدة الجوية في نيامي.\n",
    "niamey_b.txt": "القوات الفرنسية تغادر نيامي\n\n"
    "بدأت القوات الفرنسية يوم الخميس 9 نوفمبر 2023 الانسحاب من القاعدة الجوية في نيامي.\n",
}


def _claimcheck() -> list[str]:
    script = Path(sys.executable).with_name("claimcheck")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "checker.cli"]


def _run(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    drop = tmp_path / "drop"
    drop.mkdir(exist_ok=True)
    for name, text in ARTICLES.items():
        (drop / name).write_text(text, encoding="utf-8")
    return subprocess.run(
        [
            *_claimcheck(),
            "run",
            str(drop),
            "--db",
            str(tmp_path / "x.db"),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
            "--jobs",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def _env(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return env


def _codes(report_json: Path) -> list[str]:
    report = json.loads(report_json.read_text(encoding="utf-8"))
    findings = [f for e in report["events"] for f in e["findings"]]
    findings += report["findings_outside_events"]
    return [f["code"] for f in findings]


def test_an_outside_rule_runs_in_claimcheck_run(tmp_path: Path) -> None:
    """Installed after a first run, the outside rule also checks the stored articles (the
    store is linked and checked again), and its findings are in the report."""
    site = write_distribution(
        tmp_path / "site",
        {PLUGIN_MODULE: PLUGIN_SOURCE},
        {"withdrawal_watch": f"{PLUGIN_MODULE}:register"},
    )
    before = _run(tmp_path, _env(tmp_path / "nothing_installed"))
    assert before.returncode == 0, before.stderr
    assert "C950" not in _codes(tmp_path / "out" / "report.json")

    done = _run(tmp_path, _env(site))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    findings = [f for e in report["events"] for f in e["findings"]]
    findings += report["findings_outside_events"]
    watched = [f for f in findings if f["code"] == "C950"]
    assert watched and all(f["rule"] == "withdrawal_watch.v1" for f in watched)
    assert any("نيامي" in f["explanation_ar"] for f in watched)


def test_claimcheck_run_stops_on_a_broken_plugin_before_reading_articles(
    tmp_path: Path,
) -> None:
    site = write_distribution(
        tmp_path / "site",
        {PLUGIN_MODULE: "import no_such_thing\n"},
        {"withdrawal_watch": f"{PLUGIN_MODULE}:register"},
    )
    done = _run(tmp_path, _env(site))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"entry point 'withdrawal_watch = {PLUGIN_MODULE}:register'" in done.stderr
    assert f"of distribution '{DIST} 1.0'" in done.stderr
    assert not (tmp_path / "out").exists()
