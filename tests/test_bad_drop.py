"""One drop holding every kind of bad input next to five good articles, run through the
real `claimcheck` command line in a separate process.

The five good articles are five different stories, each delivered in a form that is
awkward but readable, so that each must load:

- ``flood.txt``: plain UTF-8;
- ``quake-cp1256.txt``: Arabic in windows-1256, which the reader decodes because the
  legacy-encoding detector is confident and the result is mostly Arabic letters;
- ``attack-utf16.txt``: UTF-16 with a byte-order mark, decoded;
- ``troops.html``: a page with scripts, styles, navigation and an advert, of which only
  the main text is kept;
- ``wire.jsonl`` line 1: a port closure, in a JSONL file whose other lines are bad.

Everything else is bad and must be listed by ``claimcheck rejected`` with its reason
code, and leave no article or claim behind (the expected reason of each file is in
``EXPECTED_REJECTED``). Two of the rejections are duplicates: a byte-for-byte copy of
``flood.txt`` and the same flood text encoded in ISO-8859-6, which can only be
recognised as a duplicate if it was decoded to exactly the same text.

The run exits 0 however many inputs were rejected, and 3 (``EXIT_REJECTED``,
documented in docs/cli.md) only with ``--strict``.

A drop that does not exist is a usage error (exit 2) for the whole command, checked
before anything is read, so it is tested as a separate invocation. A drop folder, or a
folder inside the drop, that cannot be read is only testable when the tests do not run
as root: permission bits do not stop root.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from tests.batch_subprocess import claimcheck, query

AS_ROOT = os.geteuid() == 0
MAX_BYTES = 4096  # well above every good file, well below the oversized one

FLOOD = (
    "سيول تغمر قرى في وادي الشاطئ\n\n"
    "غمرت سيول جارفة ثلاث قرى في وادي الشاطئ ليل الخميس بعد أمطار غزيرة استمرت ست "
    "ساعات، وقال الدفاع المدني إن 7 أشخاص لقوا حتفهم وإن فرق الإنقاذ أجلت نحو 300 "
    "عائلة إلى مدارس المنطقة.\n"
)
QUAKE = (
    "هزة أرضية تضرب شمال البلاد\n\n"
    "ضربت هزة أرضية بقوة 5.4 درجات مدينة الحسيمة وضواحيها صباح السبت، وأعلنت وزارة "
    "الداخلية إصابة 22 شخصا بجروح طفيفة وانهيار منزلين قديمين في الحي القديم.\n"
)
ATTACK = (
    "هجوم على نقطة تفتيش قرب الحدود\n\n"
    "قتل أربعة عناصر من الأمن وأصيب ستة آخرون في هجوم شنه مسلحون على نقطة تفتيش قرب "
    "معبر الرمثة فجر الأحد، بحسب ما أفاد مصدر أمني لوكالة الأنباء الرسمية.\n"
)
TROOPS_PARAGRAPHS = (
    "أرسل الجيش نحو 1200 جندي وعشرات الآليات المدرعة إلى محافظة الأنبار يوم الثلاثاء، "
    "وقال متحدث عسكري إن التعزيزات ستنتشر على طول الطريق الدولي السريع.",
    "وأضاف المتحدث أن القوات الجديدة ستبقى في المنطقة حتى نهاية الشهر المقبل لتأمين "
    "حركة الشاحنات التجارية بين المدن الغربية.",
)
# What the page carries besides its article: none of it may reach the stored text.
TROOPS_JUNK = (
    "سكريبت التتبع لا يظهر",
    "console.log",
    "font-family",
    "قائمة الأقسام العلوية",
    "الأكثر قراءة اليوم",
    "إعلان ممول",
)
TROOPS_HTML = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>الجيش ينشر تعزيزات في الأنبار | موقع الأخبار المثالي</title>
<style>body {{ font-family: Tahoma; }} .ad {{ color: red; }}</style>
<script>var t = "سكريبت التتبع لا يظهر"; console.log(t);</script>
</head>
<body>
<nav><ul>
<li><a href="/">قائمة الأقسام العلوية</a></li>
<li><a href="/top">الأكثر قراءة اليوم</a></li>
</ul></nav>
<article>
<h1>الجيش ينشر تعزيزات في الأنبار</h1>
<p>{TROOPS_PARAGRAPHS[0]}</p>
<p>{TROOPS_PARAGRAPHS[1]}</p>
</article>
<aside class="ad"><script>document.write("إعلان ممول");</script></aside>
</body>
</html>
"""
PORT = (
    "السلطات تغلق ميناء الحاويات بسبب العاصفة\n\n"
    "أعلنت هيئة الموانئ إغلاق ميناء الحاويات أمام السفن يوم الأربعاء لمدة 48 ساعة بسبب "
    "رياح قوية وأمواج تجاوز ارتفاعها أربعة أمتار، وقالت إن 15 سفينة تنتظر في المياه "
    "الإقليمية.\n"
)
SECRET = "وثيقة سرية خارج مجلد الأخبار"

GOOD = {
    "flood.txt": FLOOD,
    "quake-cp1256.txt": QUAKE,
    "attack-utf16.txt": ATTACK,
    "troops.html": None,  # the extracted main text, checked separately
    "wire/port-closure": PORT,
}

EXPECTED_REJECTED = {
    "empty.txt": "empty",  # zero bytes
    "blank.md": "empty",  # spaces, tabs, newlines and a no-break space
    "scan.txt": "binary",  # a PNG image with a .txt name
    "mac-arabic.txt": "encoding",  # Arabic, but in an encoding the detector does not know
    "mixed-cp1256.txt": "encoding",  # windows-1256, but mostly Latin: detection uncertain
    "cut.txt": "invalid_utf8",  # UTF-8 cut inside its last character
    "long-report.txt": "too_large",  # over --max-bytes
    "wire.jsonl#2": "malformed_json",
    "wire.jsonl#3": "missing_text",
    "copies/flood-again.txt": "duplicate",  # the same bytes as flood.txt
    "legacy/flood-iso8859-6.txt": "duplicate",  # flood.txt's text in ISO-8859-6
    "leak.txt": "symlink_outside",
    "outside-folder": "symlink_outside",
    "gone.txt": "unreadable",  # a symbolic link to nothing
}
if not AS_ROOT:
    EXPECTED_REJECTED["locked"] = "unreadable"  # a folder without read permission


def build_drop(root: Path) -> Path:
    drop = root / "drop"
    outside = root / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "folder" / "more.txt").write_text(SECRET + " أيضا\n", encoding="utf-8")
    for sub in ("copies", "legacy"):
        (drop / sub).mkdir(parents=True)

    def put(name: str, data: bytes) -> None:
        (drop / name).write_bytes(data)

    # The five good articles.
    put("flood.txt", FLOOD.encode("utf-8"))
    put("quake-cp1256.txt", QUAKE.encode("cp1256"))
    put("attack-utf16.txt", ATTACK.encode("utf-16"))  # Python writes the BOM
    put("troops.html", TROOPS_HTML.encode("utf-8"))
    wire = [
        json.dumps(
            {"name": "wire/port-closure", "text": PORT, "outlet": "وكالة الأنباء الساحلية",
             "published": "2024-05-15"},
            ensure_ascii=False,
        ),
        '{"name": "wire/broken", "text": "نص مبتور لم يكتمل',
        json.dumps({"name": "wire/no-text", "title": "خبر بلا نص"}, ensure_ascii=False),
    ]
    put("wire.jsonl", ("\n".join(wire) + "\n").encode("utf-8"))

    # The bad inputs.
    put("empty.txt", b"")
    put("blank.md", " \t\n\n   \u00a0\n".encode())
    put("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    put("mac-arabic.txt", QUAKE.replace("هزة", "زلزال").encode("mac_arabic"))
    put(
        "mixed-cp1256.txt",
        ("Breaking news from the border region: انفجار قرب الميناء, according to "
         "reporters on the scene and officials of the local council.\n").encode("cp1256"),
    )
    data = ATTACK.replace("الأحد", "الاثنين").encode("utf-8")
    put("cut.txt", data[:-2] + "ة".encode()[:1])  # first byte of a two-byte character
    long_text = (FLOOD.replace("الخميس", "الجمعة") + "\n") * 40
    assert len(long_text.encode("utf-8")) > 2 * MAX_BYTES
    put("long-report.txt", long_text.encode("utf-8"))
    (drop / "copies" / "flood-again.txt").write_bytes((drop / "flood.txt").read_bytes())
    (drop / "legacy" / "flood-iso8859-6.txt").write_bytes(FLOOD.encode("iso8859_6"))
    os.symlink(outside / "secret.txt", drop / "leak.txt")
    os.symlink(outside / "folder", drop / "outside-folder")
    os.symlink(drop / "no-such-file.txt", drop / "gone.txt")
    if not AS_ROOT:
        locked = drop / "locked"
        locked.mkdir()
        (locked / "inside.txt").write_text(ATTACK + "\nتحديث\n", encoding="utf-8")
        locked.chmod(0)
    return drop


def run_cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    done = claimcheck(*args, cwd=cwd, timeout=600)
    return done.returncode, done.stdout, done.stderr


def rejected_by_path(db: Path, cwd: Path) -> dict[str, dict[str, str]]:
    code, out, err = run_cli("rejected", "--db", str(db), "--json", cwd=cwd)
    assert code == EXIT_OK, err
    items = json.loads(out)
    by_path = {item["path"]: item for item in items}
    assert len(by_path) == len(items), "an input is listed twice"
    return by_path


def stored_articles(db: Path) -> dict[str, str]:
    return {str(name): str(text) for name, text in query(db, "SELECT name, text FROM articles")}


@dataclass
class World:
    root: Path
    drop: Path
    db: Path  # the store of one plain run (without --strict)
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The drop, and one plain run of it into a fresh store (the state most tests read)."""
    root = tmp_path_factory.mktemp("bad_drop")
    drop = build_drop(root)
    db = root / "plain.db"
    code, out, err = run_cli(
        "run", str(drop), "--db", str(db), "--out", str(root / "out-plain"),
        "--jobs", "1", "--max-bytes", str(MAX_BYTES), cwd=root,
    )
    yield World(root=root, drop=drop, db=db, code=code, out=out, err=err)
    locked = drop / "locked"
    if locked.exists():  # let pytest clean up the folder
        locked.chmod(stat.S_IRWXU)


def test_without_strict_the_run_succeeds_despite_bad_input(world: World) -> None:
    assert world.code == EXIT_OK, world.err
    assert "5 articles read (5 new" in world.out


def test_the_store_holds_exactly_the_five_good_articles(world: World) -> None:
    articles = stored_articles(world.db)
    assert sorted(articles) == sorted(GOOD)
    for name, text in GOOD.items():
        if text is not None:
            # Decoded exactly: windows-1256 and UTF-16 give back the very same text.
            assert articles[name] == text, name
    troops = articles["troops.html"]
    for paragraph in TROOPS_PARAGRAPHS:
        assert paragraph in troops
    for junk in TROOPS_JUNK:
        assert junk not in troops, junk
    assert "<" not in troops
    # Nothing from outside the drop was read through its symbolic links.
    assert not any(SECRET in text for text in articles.values())


def test_every_bad_input_is_listed_with_its_reason(world: World) -> None:
    listed = rejected_by_path(world.db, world.root)
    assert {path: item["reason"] for path, item in listed.items()} == EXPECTED_REJECTED
    for path, item in listed.items():
        assert item["drop"] == str(world.drop)
        assert item["detail"].strip(), path
    detail = {path: item["detail"] for path, item in listed.items()}
    assert "truncated" in detail["cut.txt"]
    assert str(MAX_BYTES) in detail["long-report.txt"]
    assert "line 2" in detail["wire.jsonl#2"] and "line 3" in detail["wire.jsonl#3"]
    assert "'flood.txt'" in detail["copies/flood-again.txt"]
    assert "'flood.txt'" in detail["legacy/flood-iso8859-6.txt"]
    assert "uncertain" in detail["mixed-cp1256.txt"]
    # The run itself names each rejected input and its reason on stderr.
    for path, reason in EXPECTED_REJECTED.items():
        assert f"{path}: {reason}: " in world.err, path


def test_the_plain_rejected_listing_names_each_bad_input(world: World) -> None:
    code, out, err = run_cli("rejected", "--db", str(world.db), cwd=world.root)
    assert code == EXIT_OK, err
    lines = out.splitlines()
    assert len(lines) == len(EXPECTED_REJECTED)
    for path, reason in EXPECTED_REJECTED.items():
        assert any(line.startswith(f"{world.drop}: {path}: {reason}: ") for line in lines), path


def test_no_article_or_claim_comes_from_a_bad_input(world: World) -> None:
    db = world.db
    drop = world.drop
    good_ids = {str(row[0]) for row in query(db, "SELECT id FROM articles")}
    assert len(good_ids) == len(GOOD)
    sources = {str(row[0]) for row in query(db, "SELECT source_path FROM articles")}
    for path in EXPECTED_REJECTED:
        assert (drop / path).as_posix() not in sources, path
    claim_articles = {str(row[0]) for row in query(db, "SELECT DISTINCT article_id FROM claims")}
    assert claim_articles <= good_ids
    # Every good article went through extraction, so claims were possible for each.
    extracted = {str(row[0]) for row in query(db, "SELECT article_id FROM extractions")}
    assert extracted == good_ids


def test_strict_exits_3_and_still_loads_the_good_articles(world: World) -> None:
    """A fresh store: --strict changes the exit code, not what is stored."""
    root = world.root
    db = root / "strict.db"
    code, _out, err = run_cli(
        "run", str(world.drop), "--db", str(db), "--out", str(root / "out-strict"),
        "--jobs", "1", "--max-bytes", str(MAX_BYTES), "--strict", "--quiet", cwd=root,
    )
    assert code == EXIT_REJECTED == 3, err
    assert f"{len(EXPECTED_REJECTED)} input(s) rejected (--strict)" in err
    assert sorted(stored_articles(db)) == sorted(GOOD)
    listed = rejected_by_path(db, root)
    assert {path: item["reason"] for path, item in listed.items()} == EXPECTED_REJECTED


def test_a_second_strict_run_on_the_same_store_still_reports_and_adds_nothing(
    world: World,
) -> None:
    root = world.root
    db = root / "second.db"
    shutil.copyfile(world.db, db)
    code, out, err = run_cli(
        "run", str(world.drop), "--db", str(db), "--out", str(root / "out-second"),
        "--jobs", "1", "--max-bytes", str(MAX_BYTES), "--strict", cwd=root,
    )
    assert code == EXIT_REJECTED, err
    assert "5 articles read (0 new, 5 already stored)" in out
    assert sorted(stored_articles(db)) == sorted(GOOD)
    listed = rejected_by_path(db, root)
    assert {path: item["reason"] for path, item in listed.items()} == EXPECTED_REJECTED


def test_a_missing_drop_stops_the_whole_command_before_anything_is_read(
    world: World,
) -> None:
    root = world.root
    db = root / "missing.db"
    missing = root / "no-such-drop"
    code, out, err = run_cli(
        "run", str(world.drop), str(missing), "--db", str(db), "--out", str(root / "o"),
        "--jobs", "1", "--max-bytes", str(MAX_BYTES), cwd=root,
    )
    assert code == EXIT_USAGE, err
    assert f"drop not found: {missing}" in err
    assert "Traceback" not in err and out == ""
    assert stored_articles(db) == {}  # not even the good drop was read


@pytest.mark.skipif(AS_ROOT, reason="permission bits do not stop root from reading a folder")
def test_an_unreadable_drop_is_a_one_line_error(tmp_path: Path) -> None:
    drop = tmp_path / "closed"
    drop.mkdir()
    (drop / "a.txt").write_text(FLOOD, encoding="utf-8")
    drop.chmod(0)
    try:
        code, _out, err = run_cli(
            "run", str(drop), "--db", str(tmp_path / "c.db"), "--out", str(tmp_path / "o"),
            "--jobs", "1", cwd=tmp_path,
        )
    finally:
        drop.chmod(stat.S_IRWXU)
    assert code == EXIT_USAGE, err
    assert "not readable" in err and "Traceback" not in err
