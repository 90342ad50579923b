"""HubStore: the models a FakeHub serves, with the indexes that make listing fast.

Records are full model-info dicts with Hub keys (`_id`, `id`, `downloads`, `cardData`, ...), exactly as
`GET /api/models/{id}` would return them plus any expand-only keys (`trendingScore`,
`downloadsAllTime`, `childrenModelCount`, ...). Optional keys are simply absent.

    store = HubStore()
    store.add(record, card=b"---\\nlicense: mit\\n---\\n# Model")
    store.update("org/name", downloads=12, likes=3)   # a value of None removes the key
    store.rename("org/name", "org/new-name")          # the old id now answers 307
"""

from __future__ import annotations

import copy
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakehub import views
from fakehub.fields import DEFAULT_SORT, SORT_FIELDS, canonical_order
from fakehub.gcutil import gc_paused

BASE_MODEL_RELATIONS = ("finetune", "adapter", "quantized", "merge")
DATE_SORT_FIELDS = frozenset({"lastModified", "createdAt"})

SortKey = tuple[int, float, str]  # (is_null, -value, _id): ascending order == the Hub's order


CardSource = bytes | Callable[[dict], bytes] | None


@dataclass
class _Entry:
    record: dict
    card: CardSource  # a callable is called once, with the record, on first request
    tags: frozenset[str]
    bodies: dict[Any, bytes] = field(default_factory=dict)  # serialized views, dropped on change


@dataclass(frozen=True)
class ListQuery:
    """The filters of GET /api/models. Every given condition must hold (AND)."""

    search: tuple[str, ...] = ()
    author: str | None = None
    filters: tuple[str, ...] = ()
    pipeline_tag: str | None = None
    gated: bool | None = None
    inference: str | None = None
    include_private: bool = False

    @property
    def has_filters(self) -> bool:
        """True when some condition other than privacy applies."""
        return bool(self.search or self.author or self.filters or self.pipeline_tag) or (
            self.gated is not None or self.inference is not None
        )

    def matches(self, entry: _Entry) -> bool:
        record = entry.record
        if record.get("private") and not self.include_private:
            return False
        model_id = record["id"]
        if self.author is not None and namespace(model_id) != self.author:
            return False
        if self.search and not all(term.lower() in model_id.lower() for term in self.search):
            return False
        if self.filters and not entry.tags.issuperset(self.filters):
            return False
        if self.pipeline_tag is not None and record.get("pipeline_tag") != self.pipeline_tag:
            return False
        if self.gated is not None and bool(record.get("gated")) != self.gated:
            return False
        return self.inference is None or record.get("inference") == self.inference


@dataclass
class Page:
    bodies: list[bytes]
    next_after: tuple[Any, str] | None  # (sort value, _id) of the last item when more remain


def sort_key(field_name: str, value: Any, object_id: str) -> SortKey:
    """Descending by value, nulls last, ties broken on ascending `_id` (like the Hub's cursor)."""
    if value is None:
        return (1, 0.0, object_id)
    if field_name in DATE_SORT_FIELDS:
        return (0, -datetime.fromisoformat(value).timestamp(), object_id)
    return (0, -float(value), object_id)


def namespace(model_id: str) -> str | None:
    """`org` of `org/name`; legacy single-segment ids have none."""
    return model_id.split("/", 1)[0] if "/" in model_id else None


def base_model_links(tags: Iterable[str]) -> list[tuple[str, str]]:
    """(relation, parent id) pairs from `base_model:<relation>:<id>` tags."""
    links = []
    for tag in tags:
        parts = tag.split(":")
        if len(parts) == 3 and parts[0] == "base_model" and parts[1] in BASE_MODEL_RELATIONS:
            links.append((parts[1], parts[2]))
    return links


class HubStore:
    """Thread-safe set of models, aliases (renamed ids) and README cards."""

    def __init__(self, records: Iterable[dict] = ()) -> None:
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        self._aliases: dict[str, str] = {}
        self._children: dict[str, Counter[str]] = {}
        self._orders: dict[str, tuple[list[SortKey], list[str]]] = {}
        self._view_keys: dict[tuple, int] = {}  # list item views seen so far -> cache key
        with gc_paused():  # bulk loads allocate millions of long-lived objects
            for record in records:
                self.add(record)

    # -- writing ---------------------------------------------------------------------------------

    def add(self, record: dict, card: CardSource = None) -> None:
        """Add or replace a model. The store keeps a shallow copy of `record`.

        `card` is the README.md bytes, None for a repo without README, or a function of the record
        that writes the card when first asked for (cheap stores of 100k synthetic models)."""
        normalized = _normalize(dict(record))
        model_id = normalized["id"]
        with self._lock:
            if model_id in self._entries:
                self._unindex(self._entries[model_id])
            self._aliases.pop(model_id, None)
            entry = _Entry(normalized, card, frozenset(normalized.get("tags") or ()))
            self._entries[model_id] = entry
            self._index(entry)
            self._orders.clear()

    def add_alias(self, old_id: str, new_id: str) -> None:
        """Make `old_id` answer 307 to `new_id` (legacy ids such as `bert-base-uncased`)."""
        with self._lock:
            self._aliases[old_id] = new_id

    def update(self, model_id: str, **fields: Any) -> None:
        """Change fields of a model (Hub keys; pass `**{"model-index": ...}` for dashed keys).
        A value of None removes the key, except `model-index`, which the Hub sends as null."""
        if "id" in fields or "_id" in fields:
            raise ValueError("use rename() to change an id; _id never changes")
        with self._lock:
            entry = self._entry(model_id)
            self._unindex(entry)
            record = dict(entry.record)
            for key, value in fields.items():
                if value is None and key != "model-index":
                    record.pop(key, None)
                else:
                    record[key] = value
            entry.record = canonical_order(record)
            entry.tags = frozenset(record.get("tags") or ())
            entry.bodies.clear()
            self._index(entry)
            for name in SORT_FIELDS.intersection(fields):
                self._orders.pop(name, None)

    def set_card(self, model_id: str, card: CardSource, *, sha: str | None = None) -> None:
        """Replace the README (None: the repo has no README.md). A card edit is a commit on the real
        Hub, so pass `sha=` to move the model's sha along with it."""
        with self._lock:
            entry = self._entry(model_id)
            entry.card = card
        if sha is not None:
            self.update(model_id, sha=sha)

    def rename(self, old_id: str, new_id: str) -> None:
        """Move a model to a new id; the old id becomes an alias that answers 307."""
        with self._lock:
            if new_id in self._entries:
                raise ValueError(f"{new_id} already exists")
            entry = self._entries.pop(self._canonical(old_id))
            self._unindex(entry)
            record = dict(entry.record)
            record["id"] = new_id
            if "modelId" in record:
                record["modelId"] = new_id
            if "author" in record and "/" in new_id:
                record["author"] = new_id.split("/")[0]
            entry.record = record
            entry.bodies.clear()
            self._entries[new_id] = entry
            self._aliases.pop(new_id, None)
            self._aliases[old_id] = new_id
            for alias, target in self._aliases.items():
                if target == old_id:
                    self._aliases[alias] = new_id
            self._index(entry)
            self._orders.clear()

    def remove(self, model_id: str) -> None:
        """Delete a model: it answers like an unknown repo and leaves every listing."""
        with self._lock:
            entry = self._entries.pop(self._canonical(model_id))
            self._unindex(entry)
            self._orders.clear()

    # -- reading ---------------------------------------------------------------------------------

    def get(self, model_id: str) -> dict:
        """A deep copy of the stored record (aliases followed). KeyError if unknown."""
        with self._lock:
            return copy.deepcopy(self._entry(model_id).record)

    def get_field(self, model_id: str, key: str) -> Any:
        """One top-level value of a record (not copied), None when the model or key is absent."""
        with self._lock:
            entry = self._entries.get(self._canonical(model_id))
            return None if entry is None else entry.record.get(key)

    def card(self, model_id: str) -> bytes | None:
        """README.md bytes, or None when the repo has none."""
        with self._lock:
            entry = self._entry(model_id)
            if callable(entry.card):
                entry.card = entry.card(copy.deepcopy(entry.record))
            return entry.card

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._entries)

    def aliases(self) -> dict[str, str]:
        with self._lock:
            return dict(self._aliases)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def alias_target(self, model_id: str) -> str | None:
        """The current id that `model_id` redirects to, or None when it is not an alias."""
        with self._lock:
            if model_id in self._entries or model_id not in self._aliases:
                return None
            target = self._canonical(model_id)
            return target if target in self._entries else None

    # -- serving (used by the server; bodies are cached per model and view) ----------------------

    def info_body(
        self, model_id: str, expand: frozenset[str] | None, *, include_private: bool
    ) -> bytes | None:
        """Serialized GET /api/models/{id} body, or None when the model is unknown to this caller."""
        with self._lock:
            entry = self._entries.get(model_id)
            if entry is None or (entry.record.get("private") and not include_private):
                return None
            if expand is None:
                return self._cached(entry, ("info",), lambda: views.info_view(entry.record))
            derived = self._derived(entry, expand)
            return self._cached(
                entry,
                ("info-expand", tuple(sorted(expand))),
                lambda: views.expanded_view(entry.record, expand, derived, listing=False),
                cache=not _depends_on_other_models(entry.record, expand),
            )

    def list_page(
        self,
        query: ListQuery,
        view: tuple,
        *,
        sort: str = DEFAULT_SORT,
        after: tuple[Any, str] | None = None,
        limit: int = 1000,
    ) -> Page:
        """One page of GET /api/models: models after the keyset `after` = (sort value, _id)."""
        with self._lock:
            keys, ids = self._order(sort)
            start = 0 if after is None else bisect_right(keys, sort_key(sort, after[0], after[1]))
            filtered = query.has_filters
            build = self._list_view_builder(view)
            cache_key = self._view_keys.setdefault(view, len(self._view_keys))  # a small int hashes fast
            tree_fields = frozenset(DERIVED_FIELDS.intersection(view[1])) if view[0] == "expand" else None
            matched: list[_Entry] = []
            bodies: list[bytes] = []
            has_more = False
            for index in range(start, len(ids)):  # not islice: it would walk from 0 on every page
                entry = self._entries[ids[index]]
                if filtered and not query.matches(entry):
                    continue
                if not query.include_private and entry.record.get("private"):
                    continue
                if len(matched) == limit:
                    has_more = True
                    break
                matched.append(entry)
                body = entry.bodies.get(cache_key)
                if body is None:
                    body = views.dumps(build(entry))
                    if not (tree_fields and _depends_on_other_models(entry.record, tree_fields)):
                        entry.bodies[cache_key] = body
                bodies.append(body)
            next_after = None
            if has_more and matched:
                last = matched[-1].record
                next_after = (last.get(sort), last["_id"])
            return Page(bodies, next_after)

    def prepare(self, sorts: Iterable[str] = (DEFAULT_SORT,)) -> None:
        """Compute sort orders ahead of the first listing (FakeHub does this for the default sort)."""
        with self._lock:
            for sort in sorts:
                self._order(sort)

    def spaces_of(self, model_id: str | None) -> list[str]:
        """Every Space that uses `model_id` (uncapped), or every known Space when None."""
        with self._lock:
            if model_id is not None:
                entry = self._entries.get(model_id)
                return list(entry.record.get("spaces") or []) if entry else []
            seen: dict[str, None] = {}
            for entry in self._entries.values():
                seen.update(dict.fromkeys(entry.record.get("spaces") or []))
            return list(seen)

    # -- internals -------------------------------------------------------------------------------

    def _list_view_builder(self, view: tuple) -> Callable[[_Entry], dict]:
        """The function that cuts one list item out of a record, chosen once per page."""
        kind = view[0]
        if kind == "default":
            return lambda entry: views.list_default_view(entry.record)
        if kind == "full":
            return lambda entry: views.list_full_view(entry.record, config=view[1], card_data=view[2])
        if kind == "flags":
            return lambda entry: views.list_flags_view(entry.record, config=view[1], card_data=view[2])
        fields = frozenset(view[1])
        if fields & DERIVED_FIELDS:
            return lambda entry: views.expanded_view(
                entry.record, fields, self._derived(entry, fields), listing=True
            )
        return lambda entry: views.expanded_view(entry.record, fields, listing=True)

    @staticmethod
    def _cached(entry: _Entry, key: Any, build: Callable[[], dict], *, cache: bool = True) -> bytes:
        body = entry.bodies.get(key)
        if body is None:
            body = views.dumps(build())
            if cache:
                entry.bodies[key] = body
        return body

    def _derived(self, entry: _Entry, expand: frozenset[str]) -> dict:
        """baseModels / childrenModelCount computed from the model tree, when not stored."""
        derived: dict[str, Any] = {}
        record = entry.record
        if "baseModels" in expand and "baseModels" not in record:
            links = base_model_links(record.get("tags") or ())
            if links:
                derived["baseModels"] = {
                    "relation": links[0][0],
                    "models": [self._id_pair(parent) for _, parent in links],
                }
        if "childrenModelCount" in expand and "childrenModelCount" not in record:
            counts = self._children.get(record["id"])
            if counts:
                derived["childrenModelCount"] = dict(counts)
        return derived

    def _id_pair(self, model_id: str) -> dict:
        entry = self._entries.get(self._canonical(model_id))
        if entry is None:
            return {"id": model_id}
        return {"_id": entry.record["_id"], "id": entry.record["id"]}

    def _order(self, sort: str) -> tuple[list[SortKey], list[str]]:
        order = self._orders.get(sort)
        if order is None:
            pairs = sorted(
                (sort_key(sort, entry.record.get(sort), entry.record["_id"]), model_id)
                for model_id, entry in self._entries.items()
            )
            order = ([key for key, _ in pairs], [model_id for _, model_id in pairs])
            self._orders[sort] = order
        return order

    def _index(self, entry: _Entry) -> None:
        for relation, parent in base_model_links(entry.tags):
            self._children.setdefault(parent, Counter())[relation] += 1

    def _unindex(self, entry: _Entry) -> None:
        for relation, parent in base_model_links(entry.tags):
            counts = self._children.get(parent)
            if counts:
                counts[relation] -= 1
                if counts[relation] <= 0:
                    del counts[relation]

    def _canonical(self, model_id: str) -> str:
        seen = set()
        while model_id not in self._entries and model_id in self._aliases and model_id not in seen:
            seen.add(model_id)
            model_id = self._aliases[model_id]
        return model_id

    def _entry(self, model_id: str) -> _Entry:
        entry = self._entries.get(self._canonical(model_id))
        if entry is None:
            raise KeyError(model_id)
        return entry


DERIVED_FIELDS = frozenset({"baseModels", "childrenModelCount"})


def _depends_on_other_models(record: dict, fields: frozenset[str]) -> bool:
    """A body with derived tree fields changes when other models do: never cache it."""
    return any(name in fields and name not in record for name in DERIVED_FIELDS)


def _normalize(record: dict) -> dict:
    """Fill what the Hub always sends: `modelId` (= id) and `model-index: null` when a card has metadata."""
    if "id" not in record or "_id" not in record:
        raise ValueError("a model record needs at least '_id' and 'id'")
    for key in [key for key, value in record.items() if value is None and key != "model-index"]:
        del record[key]  # the Hub omits what it does not know; it never sends null (but for model-index)
    record.setdefault("modelId", record["id"])
    if "cardData" in record and "model-index" not in record:
        # Real bodies carry `model-index: null` whenever the card has metadata, and omit it otherwise.
        record["model-index"] = None
    return canonical_order(record)
