"""The card body: heading tree and readable text, links, parameter-count claims."""

from __future__ import annotations

import pytest

from ingest.cards.links import parse_links
from ingest.cards.params import CARD_TEXT, MODEL_NAME, params_from_model_name, parse_params_claim
from ingest.cards.sections import INTRO_PATH, parse_sections

# --- sections -------------------------------------------------------------------------------------


def test_atx_heading_tree_paths() -> None:
    body = (
        "Intro line.\n# Model\nAbout.\n## Uses\n### Direct Use\nChat.\n"
        "### Out-of-Scope Use\nNo.\n## Bias\nSome.\n"
    )
    sections = parse_sections(body)
    assert [(s.level, s.path) for s in sections] == [
        (0, INTRO_PATH),
        (1, "Model"),
        (2, "Model > Uses"),
        (3, "Model > Uses > Direct Use"),
        (3, "Model > Uses > Out-of-Scope Use"),
        (2, "Model > Bias"),
    ]
    assert sections[3].text == "Chat."
    assert [s.ord for s in sections] == list(range(len(sections)))


def test_setext_headings_and_thematic_breaks() -> None:
    body = "Title\n=====\ntext one\n\n---\n\nSub part\n--------\ntext two\n"
    sections = parse_sections(body)
    assert [(s.level, s.heading) for s in sections] == [(1, "Title"), (2, "Sub part")]
    assert sections[0].text == "text one"  # the rule after a blank line is not a heading, and not text
    assert sections[1].text == "text two"


def test_list_item_followed_by_dashes_is_not_a_setext_heading() -> None:
    sections = parse_sections("# H\n- item\n---\nafter\n")
    assert [s.heading for s in sections] == ["H"]


def test_headings_inside_fenced_code_are_not_headings() -> None:
    body = "# Usage\n```python\n# a comment, not a heading\nprint(1)\n```\n~~~\n## nor this\n~~~\n# Next\n"
    sections = parse_sections(body)
    assert [s.heading for s in sections] == ["Usage", "Next"]
    assert "# a comment, not a heading" in sections[0].text
    assert "## nor this" in sections[0].text


def test_html_is_stripped_and_script_style_dropped() -> None:
    body = (
        "## Demo\n<p align='center'><b>Bold</b> words</p>\n<script>alert('x')</script>\n"
        "<style>p{color:red}</style>\nSee <https://example.com/page>.\n"
    )
    text = parse_sections(body)[0].text
    assert "Bold words" in text
    assert "alert" not in text and "color:red" not in text and "<" not in text
    assert "https://example.com/page" in text  # an autolink is text, not a tag


def test_markdown_links_and_images_keep_their_text() -> None:
    text = parse_sections("## Links\nRead [the paper](https://arxiv.org/abs/1) and ![logo](x.png).\n")[0].text
    assert text == "Read the paper and logo."


def test_heading_markup_is_removed_and_empty_heading_is_untitled() -> None:
    sections = parse_sections("## **Model** [card](https://x)\n#\ntext\n")
    assert sections[0].heading == "Model card"
    assert sections[1].heading is None and sections[1].path == "(untitled)"


def test_hash_without_space_is_not_a_heading() -> None:
    assert parse_sections("#hashtag text\n")[0].heading is None


# --- links ----------------------------------------------------------------------------------------


def test_links_are_classified_with_targets() -> None:
    body = (
        "Code: [repo](https://github.com/openai/whisper). Paper https://arxiv.org/pdf/2212.04356v2.pdf and "
        "arXiv:2307.09288. DOI https://doi.org/10.1000/xyz123, review https://openreview.net/forum?id=abc. "
        "Try the [demo](https://huggingface.co/spaces/org/demo-app) or the [project page](https://example.org/p)."
    )
    found = {(link.kind, link.target) for link in parse_links(body)}
    assert ("github", "openai/whisper") in found
    assert ("arxiv", "2212.04356") in found
    assert ("arxiv", "2307.09288") in found
    assert ("paper", "10.1000/xyz123") in found
    assert ("paper", None) in found  # openreview has no short target
    assert ("space", "org/demo-app") in found
    assert ("project", None) in found


def test_trailing_punctuation_and_markdown_paren_are_trimmed() -> None:
    (link,) = parse_links("See (https://github.com/a/b).")
    assert link.url == "https://github.com/a/b"


def test_non_http_schemes_are_never_links() -> None:
    body = "[x](javascript:alert(1)) [y](data:text/html,hi) [z](ftp://github.com/a/b) [w](//github.com/c/d)"
    assert parse_links(body) == ()


def test_links_are_unique_and_in_order_of_appearance() -> None:
    body = "https://github.com/b/two https://github.com/a/one https://github.com/b/two"
    assert [link.target for link in parse_links(body)] == ["b/two", "a/one"]


def test_github_pages_that_are_not_repositories_are_skipped() -> None:
    assert parse_links("https://github.com/features/copilot https://github.com/onlyowner") == ()


# --- parameter claims -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is an 8.1B parameters model.", 8_100_000_000),
        ("A model with 8.1 billion parameters.", 8_100_000_000),
        ("We trained 125M params.", 125_000_000),
        ("A 1.3 trillion parameter mixture.", 1_300_000_000_000),
        ("is a 4 billion (4B) parameter model", 4_000_000_000),
        ("- Number of Parameters: 0.49B", 490_000_000),
        ("  - Params (M): 88.6", 88_600_000),
        ("| n_parameters | 6,053,381,344 |", 6_053_381_344),
        ("a **2.7 billion** parameters Transformer", 2_700_000_000),
    ],
)
def test_params_claim_forms(text: str, expected: int) -> None:
    claim = parse_params_claim(f"# Model\n{text}\n")
    assert claim is not None and claim.value == expected and claim.source == CARD_TEXT


@pytest.mark.parametrize(
    "text",
    [
        "Models ranging in scale from 7 billion to 70 billion parameters.",
        "We have three models with 3, 7 and 72 billion parameters.",
        "Llama 3 comes in two sizes — 8B and 70B parameters.",
        "Beats models with less than 13 billion parameters.",
        "| Benchmark | 2B Params | 7B Params |",
        "Trained on 2 trillion tokens.",
        "It has 2.5B.",  # a size without the word parameters is not a claim
        "The hyperparameters: 5000000",
        "Params: 512",  # a bare small number is not a parameter count
    ],
)
def test_not_params_claims(text: str) -> None:
    assert parse_params_claim(text) is None


def test_first_credible_claim_wins_and_sentence_is_evidence() -> None:
    body = (
        "The family spans 1B to 8B parameters. This model has 3.2 billion parameters. Later: 9B parameters."
    )
    claim = parse_params_claim(body)
    assert claim is not None and claim.value == 3_200_000_000
    assert claim.evidence == "This model has 3.2 billion parameters."


def test_claims_in_code_blocks_and_urls_are_ignored() -> None:
    body = "```\nA 7B parameters model\n```\n![b](https://img.shields.io/badge/Params-120M-grey)\n"
    assert parse_params_claim(body) is None


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("meta-llama/Llama-2-7b-chat-hf", 7_000_000_000),
        ("org/x_13b", 13_000_000_000),
        ("Qwen/Qwen2.5-0.5B-Instruct", 500_000_000),
        ("01-ai/Yi-1.5-34B-Chat", 34_000_000_000),
        ("org/tiny-125m", 125_000_000),
    ],
)
def test_params_from_model_name(model_id: str, expected: int) -> None:
    claim = params_from_model_name(model_id)
    assert claim is not None and claim.value == expected
    assert claim.source == MODEL_NAME and claim.evidence == model_id


@pytest.mark.parametrize(
    "model_id", ["mlabonne/Beyonder-4x7B-v2", "openai/whisper-large-v3", "org/gpt2", "a/b-v2"]
)
def test_model_names_without_a_size(model_id: str) -> None:
    assert params_from_model_name(model_id) is None


@pytest.mark.parametrize(
    "fragment",
    [
        "<p align='center'><b>Bold</b> &amp; <i>italic</i></p>\nplain line",
        "<details><summary>More</summary>\n\nHidden text\n</details>",
        "<table><tr><td>a</td><td>1</td></tr>\n<tr><td>b</td><td>2</td></tr></table>",
        "before <script>var x = '<b>';</script> after <style>p {}</style> end <!-- note -->",
        "unclosed <div>text <span>more",
        "<img src='x.png' alt='logo'> <br/> caption &nbsp;&#233;&#x41;",
    ],
)
def test_fast_html_path_matches_beautifulsoup(fragment: str) -> None:
    from ingest.cards.sections import _libxml2_text, _soup_text

    fast = _libxml2_text(fragment)
    if fast is None:
        pytest.skip("lxml not installed")
    assert " ".join(fast.split()) == " ".join(_soup_text(fragment).split())
