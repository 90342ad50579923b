"""Model-tree edges (child → base model) from Hub tags and from `baseModels`.

For each base model the Hub adds two tags to the child: `base_model:<id>` and
`base_model:<relation>:<id>` (relation finetune, adapter, quantized or merge). A bare
`base_model:<id>` with no relational twin still says "this is a base model", so it becomes an edge
with relation 'unknown'. Repo ids never contain ':', so the first ':' after the prefix tells the two
forms apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.model import KNOWN_RELATIONS, UNKNOWN_RELATION, Edge

BASE_MODEL_TAG_PREFIX = "base_model:"
_TAG_PREFIX = BASE_MODEL_TAG_PREFIX
_PREFIX_LENGTH = len(_TAG_PREFIX)
SOURCE_TAGS = "tags"
SOURCE_API = "api.baseModels"


def edges_from_tags(tags: Sequence[str], child_id: str) -> tuple[Edge, ...]:
    """Edges named by `base_model:` tags, deduplicated, in tag order."""
    relational: dict[tuple[str, str], None] = {}
    bare: dict[str, None] = {}
    for tag in tags:
        if not tag.startswith(_TAG_PREFIX):
            continue
        relation, parent_id = _split_base_model_tag(tag[_PREFIX_LENGTH:])
        if not parent_id or parent_id == child_id:
            continue
        if relation is None:
            bare[parent_id] = None
        else:
            relational[(parent_id, relation)] = None
    if not relational and not bare:
        return ()
    with_relation = {parent_id for parent_id, _ in relational}
    edges = [Edge(parent_id, relation, SOURCE_TAGS) for parent_id, relation in relational]
    edges += [Edge(p, UNKNOWN_RELATION, SOURCE_TAGS) for p in bare if p not in with_relation]
    return tuple(edges)


def _split_base_model_tag(rest: str) -> tuple[str | None, str]:
    """'finetune:org/name' → ('finetune', 'org/name'); 'org/name' → (None, 'org/name')."""
    head, separator, tail = rest.partition(":")
    if not separator:
        return None, rest.strip()
    # An unrecognized relation word is still a relation slot: keep the parent, relation unknown.
    return (head if head in KNOWN_RELATIONS else UNKNOWN_RELATION), tail.strip()


def edges_from_base_models(value: object, child_id: str) -> tuple[Edge, ...]:
    """Edges from `expand[]=baseModels`: `{"relation": "finetune", "models": [{"id": ...}]}`.

    A list of such objects is accepted too, since the shape is only known from third parties.
    """
    blocks = value if isinstance(value, list) else [value]
    seen: dict[Edge, None] = {}
    for block in blocks:
        if not isinstance(block, dict):
            continue
        relation = block.get("relation")
        relation = relation if isinstance(relation, str) and relation in KNOWN_RELATIONS else UNKNOWN_RELATION
        models = block.get("models")
        # A lone id is one parent, not a sequence of one-letter parents.
        models = [models] if isinstance(models, str) else models if isinstance(models, list) else []
        for model in models:
            parent_id = model.get("id") if isinstance(model, dict) else model
            if isinstance(parent_id, str) and parent_id.strip() and parent_id.strip() != child_id:
                seen[Edge(parent_id.strip(), relation, SOURCE_API)] = None
    return tuple(seen)
