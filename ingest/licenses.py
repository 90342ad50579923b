"""License ids: SPDX where the Hub's id names exactly one SPDX license, the Hub's own id otherwise.

The Hub's ids are listed at https://hf.co/docs/hub/repositories-licenses. Mapping rules:

- An id naming one SPDX license maps to its SPDX spelling: `apache-2.0` → `Apache-2.0`,
  `cc-by-nc-4.0` → `CC-BY-NC-4.0`, `lgpl-lr` → `LGPLLR`, `pddl` → `PDDL-1.0`.
- The GNU ids carry no "or later" clause, so they map to the `-only` SPDX ids
  (`gpl-3.0` → `GPL-3.0-only`, `agpl-3.0` → `AGPL-3.0-only`); the bare `GPL-3.0` is deprecated in SPDX.
- Family ids (`bsd`, `cc`, `gpl`, `lgpl`, `gfdl`, `openrail`, `odc-by`, `odbl`) name no single
  version, so they stay as the Hub wrote them rather than guessing one.
- Model licenses with no SPDX id (`llama3.1`, `gemma`, `openrail++`, `creativeml-openrail-m`,
  `bigscience-openrail-m`, ...) and the Hub's `other` and `unknown` stay as the Hub's id.
- Anything else is kept lower-cased, as the Hub stores it: an unknown license is still a fact.

Input may be a string in any casing with surrounding whitespace, an SPDX id already
(`GPL-3.0-or-later` stays itself), a `license:<id>` tag, or a list: the first usable value of a
list wins, because the Hub's own `license:` tag order follows the card's list order and most
multi-license cards list the primary license first.
"""

from __future__ import annotations

from collections.abc import Sequence

_HUB_TO_SPDX: dict[str, str] = {
    "afl-3.0": "AFL-3.0",
    "agpl-3.0": "AGPL-3.0-only",
    "apache-2.0": "Apache-2.0",
    "artistic-2.0": "Artistic-2.0",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd-3-clause-clear": "BSD-3-Clause-Clear",
    "bsl-1.0": "BSL-1.0",
    "c-uda": "C-UDA-1.0",
    "cc-by-2.0": "CC-BY-2.0",
    "cc-by-2.5": "CC-BY-2.5",
    "cc-by-3.0": "CC-BY-3.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-nc-2.0": "CC-BY-NC-2.0",
    "cc-by-nc-3.0": "CC-BY-NC-3.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nc-nd-3.0": "CC-BY-NC-ND-3.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc-by-nc-sa-2.0": "CC-BY-NC-SA-2.0",
    "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-sa-3.0": "CC-BY-SA-3.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc0-1.0": "CC0-1.0",
    "cdla-permissive-1.0": "CDLA-Permissive-1.0",
    "cdla-permissive-2.0": "CDLA-Permissive-2.0",
    "cdla-sharing-1.0": "CDLA-Sharing-1.0",
    "ecl-2.0": "ECL-2.0",
    "epl-1.0": "EPL-1.0",
    "epl-2.0": "EPL-2.0",
    "etalab-2.0": "etalab-2.0",  # SPDX spells this one in lower case
    "eupl-1.1": "EUPL-1.1",
    "eupl-1.2": "EUPL-1.2",
    "gpl-2.0": "GPL-2.0-only",
    "gpl-3.0": "GPL-3.0-only",
    "isc": "ISC",
    "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3.0": "LGPL-3.0-only",
    "lgpl-lr": "LGPLLR",
    "lppl-1.3c": "LPPL-1.3c",
    "mit": "MIT",
    "mpl-2.0": "MPL-2.0",
    "ms-pl": "MS-PL",
    "ncsa": "NCSA",
    "ofl-1.1": "OFL-1.1",
    "osl-3.0": "OSL-3.0",
    "pddl": "PDDL-1.0",
    "postgresql": "PostgreSQL",
    "unlicense": "Unlicense",
    "wtfpl": "WTFPL",
    "zlib": "Zlib",
}

# SPDX ids given as input (any casing) map to themselves, plus the GNU "-or-later" variants.
_SPDX_SPELLINGS: dict[str, str] = {spdx.lower(): spdx for spdx in _HUB_TO_SPDX.values()} | {
    f"{gnu}-or-later": f"{gnu.upper()}-or-later"
    for gnu in ("gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0")
}
_CANONICAL: dict[str, str] = _SPDX_SPELLINGS | _HUB_TO_SPDX

_TAG_PREFIX = "license:"


def canonical_license(value: object) -> str | None:
    """The canonical license id for a card/tag value, or None when there is no usable value."""
    if isinstance(value, list | tuple):
        for item in value:
            canonical = canonical_license(item)
            if canonical is not None:
                return canonical
        return None
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    if key.startswith(_TAG_PREFIX):
        key = key[len(_TAG_PREFIX) :].strip()
    if not key:
        return None
    return _CANONICAL.get(key, key)


def license_from_tags(tags: Sequence[str]) -> str | None:
    """The first `license:<id>` tag, canonicalized; the Hub adds one per license in the card."""
    for tag in tags:
        if tag.startswith(_TAG_PREFIX):
            canonical = canonical_license(tag)
            if canonical is not None:
                return canonical
    return None
