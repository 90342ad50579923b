"""Rendering in all three formats: missing data, hostile card-derived text, the cross-task caveat."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from factories import add_capability, add_card, add_eval, add_model, new_db
from test_pages_fixture_db import ALPHA, BARE, BRAVO, SEG, build_pages_db

from db.connection import connect
from pages.data import load_model, load_pair
from pages.page import build_compare_page, build_model_page
from pages.render_html import render_compare_html, render_model_html
from pages.render_json import render_compare_json, render_model_json
from pages.render_md import render_compare_md, render_model_md

FORBIDDEN = re.compile(r"\b(None|nan|NaN|undefined|null)\b")
REQUIRED_MODEL_KEYS = {
    "model_id",
    "task",
    "rank",
    "adoption",
    "quality",
    "ecosystem",
    "momentum",
    "downloads_30d",
    "downloads_all_time",
    "likes",
    "license",
    "params",
    "params_source",
    "capabilities",
}


@pytest.fixture
def conn(db_path):
    build_pages_db(db_path)
    connection = connect(db_path)
    yield connection
    connection.close()


def compare_outputs(conn, a: str, b: str) -> dict[str, str]:
    page = build_compare_page(load_pair(conn, a, b))
    return {
        "html": render_compare_html(page),
        "md": render_compare_md(page),
        "json": render_compare_json(page),
    }


def model_outputs(conn, model_id: str) -> dict[str, str]:
    page = build_model_page(load_model(conn, model_id))
    return {"html": render_model_html(page), "md": render_model_md(page), "json": render_model_json(page)}


def json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *json_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in json_strings(item)]
    return []


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    attributes = " ".join(str(v) for tag in soup.find_all(True) for v in tag.attrs.values())
    return soup.get_text(" ") + " " + attributes


@pytest.mark.parametrize("outputs", ["compare", "model"])
def test_missing_data_never_renders_none_nan_null_or_undefined(conn, outputs):
    rendered = compare_outputs(conn, BARE, ALPHA) if outputs == "compare" else model_outputs(conn, BARE)
    assert not FORBIDDEN.search(visible_text(rendered["html"]))
    assert not FORBIDDEN.search(rendered["md"])
    data = json.loads(rendered["json"])
    assert not [s for s in json_strings(data) if FORBIDDEN.search(s)]
    assert "—" in rendered["md"] and "—" in rendered["html"]


def test_json_gives_every_required_key_and_a_reason_for_each_null(conn):
    data = json.loads(compare_outputs(conn, BARE, ALPHA)["json"])
    assert {"verdict", "as_of", "caveat"} <= set(data)
    bare = next(m for m in data["models"] if m["model_id"] == BARE)
    assert set(bare) >= REQUIRED_MODEL_KEYS
    for key in ("rank", "adoption", "license", "params", "downloads_all_time"):
        assert bare[key] is None and bare["missing"][key]


def test_json_keys_are_sorted_and_stable(conn):
    text = compare_outputs(conn, ALPHA, BRAVO)["json"]
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_cross_task_pair_shows_the_caveat_in_every_format(conn):
    cross = compare_outputs(conn, ALPHA, SEG)
    assert "Caveat:" in BeautifulSoup(cross["html"], "html.parser").get_text()
    assert "> **Caveat:**" in cross["md"]
    assert "different jobs" in json.loads(cross["json"])["caveat"]


def test_same_task_pair_has_no_caveat(conn):
    same = compare_outputs(conn, ALPHA, BRAVO)
    assert "Caveat" not in same["html"] and "Caveat" not in same["md"]
    assert json.loads(same["json"])["caveat"] is None


def test_table_and_verdict_use_the_same_shown_values(conn):
    page = build_compare_page(load_pair(conn, ALPHA, BRAVO))
    html = BeautifulSoup(render_compare_html(page), "html.parser")
    overall_row = next(tr for tr in html.find_all("tr") if tr.th and tr.th.get_text().startswith("Overall"))
    shown = [td.get_text(strip=True) for td in overall_row.find_all("td")]
    assert shown[0] == shown[1]  # 63.44 and 63.41 both show 63.4 ...
    assert f"tied overall at {shown[0]}" in page.verdict.text  # ... so the verdict says tied


def test_html_is_a_complete_html5_document(conn):
    html = compare_outputs(conn, ALPHA, BRAVO)["html"]
    assert html.lower().startswith("<!doctype html>")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "en"
    assert soup.find("meta", charset="utf-8")
    assert soup.title.get_text()
    assert soup.find("link", rel="canonical")["href"] == "/compare/acme--alpha-7b-vs-bravo-lab--bravo-8b.html"
    assert not soup.find("script") and not soup.find("link", rel="stylesheet")


XSS = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"


def build_hostile_db(path):
    db = new_db(path)
    add_model(
        db,
        "evil/model",
        pipeline_tag=f"text-generation{XSS}",
        library_name='"><img src=x onerror=alert(1)>',
        license="other",
        license_name=f"<b onmouseover=alert(1)>x</b>{XSS}",
        license_link=JS_URL,
        tags=[XSS, "license:<svg onload=alert(1)>"],
    )
    add_model(db, "good/model")
    add_card(db, "evil/model")
    eval_id = add_eval(
        db,
        "evil/model",
        dataset=f"<iframe src={JS_URL}>",
        metric=XSS,
        value=1.0,
        verified=False,
        source_url=JS_URL,
    )
    add_capability(
        db,
        "evil/model",
        f"name {XSS}",
        f"description {XSS} | pipe [link](javascript:alert(1))",
        evidence=[
            {
                "kind": "card_section",
                "section": XSS,
                "quote": '"><svg onload=alert(1)>',
                "source_url": JS_URL,
            },
            {"kind": "eval_result", "eval_id": eval_id, "quote": "`code` |"},
        ],
    )
    return db


def test_hostile_card_text_stays_inert_in_html(db_path):
    build_hostile_db(db_path)
    conn = connect(db_path)
    for html in (
        compare_outputs(conn, "evil/model", "good/model")["html"],
        model_outputs(conn, "evil/model")["html"],
    ):
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all(["script", "img", "iframe", "b"])
        assert all(svg.get("class") == ["spark"] for svg in soup.find_all("svg"))
        for tag in soup.find_all(True):
            assert not [name for name in tag.attrs if name.lower().startswith("on")]
        for link in soup.find_all(href=True):
            assert re.match(r"(https?://|#|/|\.\./|[\w-]+\.html)", link["href"]), link["href"]
        assert "&lt;script&gt;" in html


def test_hostile_card_text_stays_inert_in_markdown(db_path):
    build_hostile_db(db_path)
    conn = connect(db_path)
    for md in (
        compare_outputs(conn, "evil/model", "good/model")["md"],
        model_outputs(conn, "evil/model")["md"],
    ):
        assert not re.search(r"(?<!\\)<", md), "an unescaped < could open a raw HTML tag"
        assert not re.search(r"(?<!\\)\]\(javascript", md), "a javascript: link target"
        for line in md.splitlines():
            if line.startswith("|"):  # table rows keep their column count: pipes in values are escaped
                assert len(re.findall(r"(?<!\\)\|", line)) in (3, 4, 8)


LINK_KEYS = ("source_url", "license_link", "card_url", "hub_url")


def link_values(value, key: str = "") -> list[str]:
    """Every string under a key that names a link, anywhere in a JSON document."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in link_values(v, k)]
    if isinstance(value, list):
        return [s for item in value for s in link_values(item, key)]
    return [value] if isinstance(value, str) and key in LINK_KEYS else []


def test_hostile_links_are_dropped_from_json_too(db_path):
    """A consumer of the JSON may put any *_url or license_link in an href: only http(s) ones are given."""
    build_hostile_db(db_path)
    conn = connect(db_path)
    documents = [
        json.loads(compare_outputs(conn, "evil/model", "good/model")["json"]),
        json.loads(model_outputs(conn, "evil/model")["json"]),
    ]
    links = [link for document in documents for link in link_values(document)]
    assert links, "the hostile model has links to check"
    assert all(re.match(r"https?://", link) for link in links), links
    model = documents[1]["model"]
    assert model["license_link"] is None
    assert model["license_name"].startswith("<b")  # the text itself is data, kept as is


def test_evidence_citing_an_eval_result_carries_that_result_source_in_every_format(conn):
    """ALPHA's capability cites its eval result ("accuracy 71.5"): a benchmark claim is never unsourced."""
    leaderboard = "https://example.org/leaderboard/alpha"  # the eval's own source in the fixture
    rendered = model_outputs(conn, ALPHA)
    (md_line,) = [line for line in rendered["md"].splitlines() if "evidence: eval_result" in line]
    assert f"[source]({leaderboard})" in md_line
    capabilities = json.loads(rendered["json"])["model"]["capabilities"]
    (evidence,) = [e for c in capabilities for e in c["evidence"] if e["eval_id"]]
    assert evidence["source_url"] == leaderboard
    soup = BeautifulSoup(rendered["html"], "html.parser")
    (item,) = [li for li in soup.find_all("li") if li.get_text().startswith("evidence: eval_result")]
    assert leaderboard in [a["href"] for a in item.find_all("a")]


def test_an_eval_source_named_without_a_link_is_not_given_the_card_link(db_path):
    """The card says "source: Example Leaderboard" with no URL: the fallback link goes to the card and
    must say so, not wear the leaderboard's name."""
    db = new_db(db_path)
    add_model(db, "acme/evald")
    add_card(db, "acme/evald")
    eval_id = add_eval(db, "acme/evald", dataset="set", metric="acc", value=1.0, verified=False)
    db["eval_results"].update(eval_id, {"source_url": None, "source_name": "Example Leaderboard"})
    soup = BeautifulSoup(model_outputs(connect(db_path), "acme/evald")["html"], "html.parser")
    item = soup.find(id=f"eval-{eval_id}")
    card = "https://huggingface.co/acme/evald/resolve/main/README.md"
    (link,) = [a for a in item.find_all("a") if a["href"] == card]
    assert "Leaderboard" not in link.get_text()
    assert "Example Leaderboard" in item.get_text()  # the name the card gives is still shown


def test_an_eval_without_a_dataset_or_metric_says_so_instead_of_a_bare_dash(db_path):
    """Cards name model-index results without a dataset: "— — accuracy" told the reader nothing."""
    db = new_db(db_path)
    add_model(db, "acme/evald")
    add_card(db, "acme/evald")
    no_dataset = add_eval(db, "acme/evald", dataset="set", metric="accuracy", value=0.83, verified=False)
    no_metric = add_eval(db, "acme/evald", dataset="set", metric="acc", value=0.5, verified=False)
    db["eval_results"].update(no_dataset, {"dataset_name": None, "dataset_id": None})
    db["eval_results"].update(no_metric, {"metric_name": None, "metric_type": None})
    rendered = model_outputs(connect(db_path), "acme/evald")
    soup = BeautifulSoup(rendered["html"], "html.parser")
    md_lines = [line for line in rendered["md"].splitlines() if "0.83" in line or "0.5 " in line]
    html_items = [soup.find(id=f"eval-{eval_id}").get_text(" ") for eval_id in (no_dataset, no_metric)]
    assert len(md_lines) == 2
    for text in [*md_lines, *html_items]:
        assert not re.search(r"—\s+—", text), text
    assert "dataset not named" in md_lines[0] and "dataset not named" in html_items[0]
    assert "metric not named" in md_lines[1] and "metric not named" in html_items[1]


@pytest.mark.parametrize(
    ("params", "source", "shown"),
    [
        # "Llama-2-7b" says about seven billion (the real count is 6.74B): no exact-looking 7,000,000,000.
        (7_000_000_000, "model_name", "about 7.0B (from model name)"),
        (7_241_732_096, "safetensors.total", "7,241,732,096 (from safetensors metadata)"),
    ],
)
def test_a_parameter_count_read_from_the_name_is_not_shown_as_exact(db_path, params, source, shown):
    db = new_db(db_path)
    add_model(db, "acme/llama-7b", params=params, params_source=source)
    rendered = model_outputs(connect(db_path), "acme/llama-7b")
    (md_row,) = [line for line in rendered["md"].splitlines() if line.startswith("| Parameters |")]
    assert md_row == f"| Parameters | {shown} |"
    soup = BeautifulSoup(rendered["html"], "html.parser")
    row = soup.find("th", string="Parameters").find_parent("tr")
    assert row.td.get_text(strip=True) == shown
    assert json.loads(rendered["json"])["model"]["params"] == params  # the number itself, unchanged


def test_derivative_counts_from_crawled_children_say_they_are_a_floor(conn):
    """ALPHA's counts are the Hub's exact ones; BRAVO's only count the children crawled so far."""
    rendered = compare_outputs(conn, ALPHA, BRAVO)
    (md_row,) = [line for line in rendered["md"].splitlines() if line.startswith("| Derivatives")]
    alpha_md, bravo_md = [c.strip() for c in md_row.strip("|").split("|")][1:]
    assert "lower bound" in bravo_md and "lower bound" not in alpha_md
    soup = BeautifulSoup(rendered["html"], "html.parser")
    alpha_td, bravo_td = soup.find("th", string="Derivatives by relation").find_parent("tr").find_all("td")
    assert "lower bound" in bravo_td.get_text() and "lower bound" not in alpha_td.get_text()


def test_removed_model_is_flagged_on_compare_pages(conn):
    conn.execute("UPDATE models SET removed_at = '2026-10-20T00:00:00Z' WHERE model_id = ?", (BRAVO,))
    rendered = compare_outputs(conn, ALPHA, BRAVO)
    note = f"{BRAVO} was removed from the Hub on 2026-10-20"
    assert note in BeautifulSoup(rendered["html"], "html.parser").get_text()
    assert note in rendered["md"]
    assert json.loads(rendered["json"])["models"][1]["removed_at"] == "2026-10-20T00:00:00Z"


def test_a_model_fetched_again_after_scoring_says_its_scores_are_older(conn):
    # `hubcrawl recrawl X` without `hubcrawl score`: the table's figures are newer than X's scores and
    # breakdown. Each number keeps its own date; the page must say the two disagree, and why.
    conn.execute("UPDATE models SET fetched_at = '2026-11-03T09:00:00Z' WHERE model_id = ?", (BRAVO,))
    rendered = compare_outputs(conn, ALPHA, BRAVO)
    note = f"{BRAVO} was fetched again on 2026-11-03, after its scores were computed"
    assert note in " ".join(BeautifulSoup(rendered["html"], "html.parser").get_text().split())
    assert note in rendered["md"] and "hubcrawl score" in rendered["md"]
    alpha, bravo = json.loads(rendered["json"])["models"]
    assert (alpha["scores_outdated"], bravo["scores_outdated"]) == (False, True)
    assert note in model_outputs(conn, BRAVO)["md"]
    assert "fetched again" not in model_outputs(conn, ALPHA)["md"]


def test_placeholder_strings_from_cards_render_as_missing(db_path):
    db = new_db(db_path)
    add_model(db, "odd/model")
    add_model(db, "plain/model")
    eval_id = add_eval(db, "odd/model", dataset="set", metric="acc", value=1.0, verified=True)
    db["eval_results"].update(eval_id, {"value": float("nan"), "value_text": "nan", "dataset_config": "None"})
    add_capability(
        db, "odd/model", "cap", "described", evidence=[{"kind": "card_section", "quote": "undefined"}]
    )
    rendered = compare_outputs(connect(db_path), "odd/model", "plain/model")
    assert not FORBIDDEN.search(visible_text(rendered["html"]))
    assert not FORBIDDEN.search(rendered["md"])
    assert not [s for s in json_strings(json.loads(rendered["json"])) if FORBIDDEN.search(s)]
