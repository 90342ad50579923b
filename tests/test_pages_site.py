"""The static site: every page exists once, every internal link resolves, every page parses."""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from test_pages_fixture_db import ALPHA, BARE, BRAVO, SEG, build_pages_db

from db.connection import connect
from hubcrawl.cli import main
from pages.data import load_rank_table, model_slug, pair_slug, scored_live_models, shown_scores_by_task
from pages.site import build_site, suggested_pairs

VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col", "embed", "track"}


class TagBalance(HTMLParser):
    """Every opened non-void element is closed, in order (SVG's self-closed children included)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture
def site(tmp_path, db_path):
    build_pages_db(db_path)
    out = tmp_path / "site"
    assert main(["pages", "--db", str(db_path), "--out", str(out), "--pair", ALPHA, model_slug(SEG)]) == 0
    return out


def internal_targets(page: Path, out: Path) -> list[tuple[Path, str]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    targets = []
    for tag in soup.find_all(href=True) + soup.find_all(src=True):
        url = tag.get("href") or tag.get("src")
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            continue
        assert not parts.scheme, f"{page}: unexpected scheme in {url}"
        # As a browser or a static file server reads them: the path and the fragment percent-decoded.
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if not path:  # in-page anchor
            targets.append((page, fragment))
            continue
        base = out if path.startswith("/") else page.parent
        targets.append(((base / path.lstrip("/")).resolve(), fragment))
    return targets


def test_every_internal_link_resolves_and_every_page_parses(site):
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        checker = TagBalance()
        checker.feed(html)
        assert not checker.errors and not checker.stack, (page, checker.errors, checker.stack)
        for target, fragment in internal_targets(page, site):
            assert target.is_file(), f"{page} links to missing {target}"
            if fragment:
                ids = {t["id"] for t in BeautifulSoup(target.read_text(), "html.parser").find_all(id=True)}
                assert fragment in ids, f"{page} links to missing #{fragment} in {target}"


ODD_IDS = ("odd/na#me?x=1 %41", "evil/../../../escape", "uni/modèle-ü", "plain/model")


def test_odd_model_ids_stay_inside_the_site_and_their_links_resolve(tmp_path):
    """Ids are text from the network: none may write outside the site or break a link ('#', '?', '%')."""
    from factories import add_model, new_db
    from test_pages_fixture_db import add_scores

    db = new_db(tmp_path / "hub.db")
    for n, model_id in enumerate(ODD_IDS):
        add_model(db, model_id)
        add_scores(db, model_id, {"overall": 50.0 + n, "adoption": 50.0, "quality": 50.0, "ecosystem": 50.0,
                                  "momentum": None})
    out = tmp_path / "out" / "site"
    report = build_site(connect(tmp_path / "hub.db"), out)
    assert report.models == len(ODD_IDS)
    for path in report.files:
        assert path.resolve().parent in {out, out / "models", out / "compare"}, path
    assert {p.resolve() for p in tmp_path.rglob("*.html")} == {p.resolve() for p in out.rglob("*.html")}
    for page in out.rglob("*.html"):
        for target, fragment in internal_targets(page, out):
            assert target.is_file(), f"{page} links to missing {target}"
            if fragment:
                ids = {t["id"] for t in BeautifulSoup(target.read_text(), "html.parser").find_all(id=True)}
                assert fragment in ids, f"{page} links to missing #{fragment} in {target}"


def test_every_page_is_valid_html5_to_a_strict_parser(site):
    """html5lib's strict mode raises on any parse error (stray end tags, bad nesting, bad attributes)."""
    html5lib = pytest.importorskip("html5lib")
    for page in sorted(site.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(page.read_text(encoding="utf-8"))
        assert not parser.errors, (page, parser.errors)


def test_one_page_per_model_in_three_formats(site):
    for model_id in (ALPHA, BRAVO, SEG, BARE):
        for ext in ("html", "md", "json"):
            assert (site / "models" / f"{model_slug(model_id)}.{ext}").is_file()


def test_compare_pages_use_one_canonical_url_per_pair(site):
    compare_html = sorted(p.stem for p in (site / "compare").glob("*.html"))
    assert pair_slug(ALPHA, BRAVO) in compare_html
    assert pair_slug(SEG, ALPHA) in compare_html  # asked for with --pair, in reverse order and as a slug
    for stem in compare_html:
        first, second = stem.split("-vs-")
        assert first.casefold() <= second.casefold()
        for ext in ("md", "json"):
            assert (site / "compare" / f"{stem}.{ext}").is_file()


def test_only_the_requested_pair_crosses_tasks(site):
    for path in (site / "compare").glob("*.json"):
        data = json.loads(path.read_text())
        tasks = {m["task"] for m in data["models"]}
        if path.stem == pair_slug(ALPHA, SEG):
            assert len(tasks) == 2 and data["caveat"]
        else:
            assert len(tasks) == 1 and data["caveat"] is None


def test_index_lists_every_model_under_its_task_with_the_same_numbers_as_its_page(site):
    index = json.loads((site / "index.json").read_text())
    assert {e["model_id"] for e in index["models"]} == {ALPHA, BRAVO, SEG, BARE}
    for entry in index["models"]:
        page = json.loads((site / "models" / f"{entry['slug']}.json").read_text())["model"]
        assert (entry["rank"], entry["overall"], entry["task"]) == (
            page["rank"],
            page["overall"],
            page["task"],
        )
    soup = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert any(h.startswith("text-generation") for h in headings)
    assert any(h.startswith("image-segmentation") for h in headings)


def test_every_missing_value_in_the_index_says_why(tmp_path, db_path):
    """BARE has no score; SEG left the Hub after it was scored: their "—" cells carry a reason."""
    build_pages_db(db_path)
    conn = connect(db_path)
    conn.execute("UPDATE models SET removed_at = '2026-10-20T00:00:00Z', downloads = NULL WHERE model_id = ?",
                 (SEG,))
    conn.commit()
    build_site(conn, tmp_path / "site")
    soup = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    rows = {tr.find("a").get_text(): tr.find_all("td") for tr in soup.select("tbody tr")}
    missing_cells = [(model_id, td) for model_id, tds in rows.items() for td in tds if td.get_text() == "—"]
    assert {model_id for model_id, _ in missing_cells} == {BARE, SEG}
    for model_id, td in missing_cells:
        reason = td.find(title=True)
        assert reason is not None and reason["title"].strip() not in ("", "—"), (model_id, td)
    assert "removed from the Hub on 2026-10-20" in rows[SEG][0].find(title=True)["title"]
    index = json.loads((tmp_path / "site" / "index.json").read_text())
    for entry in index["models"]:
        for key in ("rank", "overall", "percentile", "downloads_30d", "likes"):
            if entry[key] is None:
                assert entry["missing"][key], (entry["model_id"], key)


def test_the_index_does_not_call_tasks_different_when_one_is_unknown(tmp_path, db_path):
    """The pair's caveat says the Hub declares no task for BARE: the index note must not claim more."""
    build_pages_db(db_path)
    conn = connect(db_path)
    conn.execute("UPDATE models SET pipeline_tag = NULL WHERE model_id = ?", (BARE,))
    conn.commit()
    build_site(conn, tmp_path / "site", extra_pairs=[(ALPHA, BARE), (ALPHA, SEG)])
    soup = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    notes = {li.a.get_text(): li.find(class_="note") for li in soup.select("#comparisons ~ ul li")}
    unknown_task = notes[f"{ALPHA} vs {BARE}"].get_text()
    assert "different tasks" not in unknown_task and "no task" in unknown_task
    assert notes[f"{ALPHA} vs {SEG}"].get_text() == "(different tasks)"


def test_a_model_page_marks_its_cross_task_comparisons_as_the_index_does(site):
    """The `site` fixture asks for ALPHA vs SEG (different tasks) on top of the suggested ALPHA vs BRAVO."""
    soup = BeautifulSoup((site / "models" / f"{model_slug(ALPHA)}.html").read_text(), "html.parser")
    heading = soup.find("h2", string="Compared with")
    items = {li.a.get_text(): li.get_text(" ", strip=True) for li in heading.find_next("ul").find_all("li")}
    assert items[f"{ALPHA} vs {SEG}"].endswith("(different tasks)")
    assert "different tasks" not in items[f"{ALPHA} vs {BRAVO}"]


def test_suggested_pairs_are_nearest_ranks_within_a_task(db_path):
    build_pages_db(db_path)
    conn = connect(db_path)
    pairs = suggested_pairs(conn, per_model=2)
    # Only alpha and bravo share a scored task; the segmentation model has no same-task neighbour
    # and the bare model has no score.
    assert pairs == [(ALPHA, BRAVO)]
    assert suggested_pairs(conn, per_model=0) == []


def test_neighbours_are_the_closest_ranks(tmp_path):
    from factories import add_model, new_db
    from test_pages_fixture_db import add_scores

    db = new_db(tmp_path / "hub.db")
    overall = {"t/a": 90.0, "t/b": 80.0, "t/c": 70.0, "t/d": 10.0}
    for model_id, score in overall.items():
        add_model(db, model_id)
        add_scores(
            db,
            model_id,
            {"overall": score, "adoption": score, "quality": None, "ecosystem": None, "momentum": None},
        )
    pairs = suggested_pairs(connect(tmp_path / "hub.db"), per_model=1)
    # a-b and b-a (closest either way), c's nearest is b (80 above, tie broken upward), d's is c.
    assert pairs == [("t/a", "t/b"), ("t/b", "t/c"), ("t/c", "t/d")]


def test_ranks_and_suggested_pairs_group_the_same_shown_scores(tmp_path):
    """Both read scored_live_models: a removed model neither ranks nor pairs; equal shown scores
    share a rank, and the pair order breaks their tie by id."""
    from factories import add_model, new_db
    from test_pages_fixture_db import add_scores

    db = new_db(tmp_path / "hub.db")
    overall = {"t/a": 70.04, "t/b": 70.01, "t/c": 50.0, "t/gone": 60.0}
    for model_id, score in overall.items():
        add_model(db, model_id, removed_at="2026-11-02T00:00:00Z" if model_id == "t/gone" else None)
        add_scores(db, model_id, {"overall": score, "adoption": score, "quality": None, "ecosystem": None,
                                  "momentum": None})
    conn = connect(tmp_path / "hub.db")
    grouped = shown_scores_by_task(scored_live_models(conn))
    assert {task: sorted(members) for task, members in grouped.items()} == {
        "text-generation": [("t/a", Decimal("70.0")), ("t/b", Decimal("70.0")), ("t/c", Decimal("50.0"))]
    }
    ranks = load_rank_table(conn).by_model
    assert (ranks["t/a"].position, ranks["t/b"].position, ranks["t/c"].position) == (1, 1, 3)
    assert "t/gone" not in ranks
    assert suggested_pairs(conn, per_model=1) == [("t/a", "t/b"), ("t/b", "t/c")]


def test_build_site_returns_what_it_wrote(tmp_path, db_path):
    build_pages_db(db_path)
    report = build_site(connect(db_path), tmp_path / "out", pairs_per_model=1)
    assert report.models == 4 and report.comparisons == 1
    assert all(path.is_file() for path in report.files)


def test_rebuild_removes_pages_that_are_no_longer_built(tmp_path, db_path):
    build_pages_db(db_path)
    out = tmp_path / "out"
    conn = connect(db_path)
    build_site(conn, out, pairs_per_model=1, extra_pairs=[(ALPHA, SEG)])
    cross = out / "compare" / f"{pair_slug(ALPHA, SEG)}.html"
    assert cross.is_file()
    unrelated = out / "compare" / "notes.txt"  # not one of our page files: left alone
    unrelated.write_text("keep me")
    report = build_site(conn, out, pairs_per_model=1)
    assert not cross.exists() and cross in report.removed
    assert unrelated.exists()
    assert not list(out.rglob("*.tmp"))
