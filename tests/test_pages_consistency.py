"""One number, one rendering: every score, percentile, download and like count of a model reads the same
in index.html, index.json, its model page (HTML, Markdown, JSON), every comparison it is in (HTML,
Markdown, JSON) and `hubcrawl explain`. Checked mechanically over a whole built site.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_pages_fixture_db import ALPHA, BARE, BRAVO, SEG, build_pages_db

from db.connection import connect
from pages.site import build_site
from scoring.explain import load_score, render_text

ROW_KEYS = {
    "Overall score (0–100)": "overall",
    "Adoption (0–100)": "adoption",
    "Quality (0–100)": "quality",
    "Ecosystem (0–100)": "ecosystem",
    "Momentum (0–100)": "momentum",
    "Downloads (last 30 days)": "downloads_30d",
    "Likes": "likes",
}
SCORE_KEYS = ("overall", "adoption", "quality", "ecosystem", "momentum", "percentile_task")

Seen = dict[str, dict[str, dict[str, str]]]  # model -> key -> {where: shown text}


@pytest.fixture
def site(tmp_path: Path, db_path: Path) -> tuple[Path, object]:
    db = build_pages_db(db_path)
    # A score that a float formatter would round down (36.65 is stored as 36.6499…) and a whole one.
    db["scores"].update(SEG, {"overall": 36.65, "quality": 44.0})
    db.conn.commit()
    conn = connect(db_path)
    out = tmp_path / "site"
    build_site(conn, out, extra_pairs=[(ALPHA, SEG), (BARE, BRAVO)])
    yield out, conn
    conn.close()


def _first_words(text: str) -> str:
    """A cell's value without the reason or note that follows it ("— (needs …)" -> "—")."""
    return text.split(" (")[0].strip()


def _html_table(path: Path, seen: Seen) -> None:
    table = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("table")
    models = [th.get_text(strip=True) for th in table.thead.find_all("th")[1:]]
    for tr in table.tbody.find_all("tr"):
        key = ROW_KEYS.get(tr.th.get_text(strip=True))
        for model_id, td in zip(models, tr.find_all("td"), strict=False):
            if key:
                seen[model_id][key][path.name] = _first_words(td.find(["a", "span"]).get_text(strip=True))
            elif tr.th.get_text(strip=True) == "Rank in task":
                match = re.search(r"percentile (\S+)$", td.get_text(strip=True))
                seen[model_id]["percentile_task"][path.name] = match.group(1) if match else "—"


def _md_table(path: Path, seen: Seen) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("|  |"))
    models = [c.strip().replace("\\", "") for c in lines[start].strip("|").split("|")][1:]
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        label, *cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]
        for model_id, cell in zip(models, cells, strict=True):
            if label in ROW_KEYS:
                seen[model_id][ROW_KEYS[label]][path.name] = _first_words(cell)
            elif label == "Rank in task":
                match = re.search(r"percentile (\S+)$", cell)
                seen[model_id]["percentile_task"][path.name] = match.group(1) if match else "—"


def _json_model(model: dict, where: str, seen: Seen) -> None:
    for key in SCORE_KEYS:
        value = model[key]
        seen[model["model_id"]][key][where] = "—" if value is None else f"{value:.1f}"
    for key in ("downloads_30d", "likes"):
        value = model[key]
        seen[model["model_id"]][key][where] = "—" if value is None else f"{value:,}"


def _index(out: Path, seen: Seen) -> None:
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    for tr in soup.select("tbody tr"):
        tds = tr.find_all("td")
        model_id = tds[1].get_text(strip=True)
        seen[model_id]["overall"]["index.html"] = tds[2].get_text(strip=True)
        seen[model_id]["percentile_task"]["index.html"] = tds[3].get_text(strip=True)
        for td, key in ((tds[4], "downloads_30d"), (tds[5], "likes")):
            span = td.find("span")
            missing = "missing" in span.get("class", [])
            seen[model_id][key]["index.html"] = "—" if missing else span["title"]
    for entry in json.loads((out / "index.json").read_text(encoding="utf-8"))["models"]:
        for key, json_key in (("overall", "overall"), ("percentile_task", "percentile")):
            value = entry[json_key]
            seen[entry["model_id"]][key]["index.json"] = "—" if value is None else f"{value:.1f}"


def _explain(conn, model_id: str, seen: Seen) -> None:
    record = load_score(conn, model_id)
    if record is None:
        return
    text = render_text(record)
    seen[model_id]["overall"]["explain"] = re.search(r"^overall score\s+(\S+) / 100$", text, re.M).group(1)
    seen[model_id]["percentile_task"]["explain"] = re.search(r"(\S+) within task", text).group(1)
    for dimension in ("adoption", "quality", "ecosystem", "momentum"):
        seen[model_id][dimension]["explain"] = re.search(rf"^{dimension}: (\S+)$", text, re.M).group(1)


def collect(out: Path, conn) -> Seen:
    seen: Seen = defaultdict(lambda: defaultdict(dict))
    for path in sorted(out.glob("*/*.html")):
        _html_table(path, seen)
    for path in sorted(out.glob("*/*.md")):
        _md_table(path, seen)
    for path in sorted(out.glob("models/*.json")):
        _json_model(json.loads(path.read_text(encoding="utf-8"))["model"], path.name, seen)
    for path in sorted(out.glob("compare/*.json")):
        for model in json.loads(path.read_text(encoding="utf-8"))["models"]:
            _json_model(model, path.name, seen)
    _index(out, seen)
    for model_id in list(seen):
        _explain(conn, model_id, seen)
    return seen


def test_every_number_reads_the_same_everywhere_it_appears(site):
    out, conn = site
    seen = collect(out, conn)
    assert set(seen) == {ALPHA, BRAVO, SEG, BARE}
    disagreements = {
        (model_id, key): places
        for model_id, keys in seen.items()
        for key, places in keys.items()
        if len(set(places.values())) > 1
    }
    assert not disagreements, disagreements
    # The check saw every place: a scored model's overall is read from all of them.
    places = set(seen[ALPHA]["overall"])
    assert {"index.html", "index.json", "explain"} <= places
    assert any(p.endswith(".md") for p in places) and any(p.endswith(".json") for p in places)
    # Half up, as a person rounds: 36.65 reads 36.7 everywhere (a float formatter would say 36.6).
    assert set(seen[SEG]["overall"].values()) == {"36.7"}
    assert set(seen[SEG]["quality"].values()) == {"44.0"}
