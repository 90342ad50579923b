"""Load and validate the scoring config (scoring/config.yaml by default).

    >>> config = load_config()
    >>> config.version
    '2026.11.1'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scoring.signals import SIGNALS

DEFAULT_CONFIG_PATH = Path(__file__).with_name("config.yaml")
DIMENSIONS = ("adoption", "quality", "ecosystem", "momentum")
TRANSFORMS = ("log", "linear", "ratio")


class ConfigError(ValueError):
    """The config file is missing, not YAML, or breaks a rule; the message says which and where."""


@dataclass(frozen=True)
class SignalConfig:
    name: str
    weight: float
    cap: float
    transform: str = "log"


@dataclass(frozen=True)
class DimensionConfig:
    name: str
    signals: tuple[SignalConfig, ...]


@dataclass(frozen=True)
class ScoringConfig:
    version: str
    overall_weights: dict[str, float]
    dimensions: tuple[DimensionConfig, ...]


def load_config(path: str | Path | None = None) -> ScoringConfig:
    """Read and validate a config file; raises ConfigError with a precise message."""
    path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_config(data, origin=str(path))


def parse_config(data: Any, *, origin: str = "config") -> ScoringConfig:
    """Validate an already-parsed mapping (what load_config reads)."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top level")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ConfigError(f"{origin}: 'version' must be a non-empty string")
    if not version.isprintable():  # it is shown on pages and written into SQL statements as a literal
        raise ConfigError(f"{origin}: 'version' must be printable text, without control characters")
    dimensions_data = _mapping(data.get("dimensions"), f"{origin}: dimensions")
    overall = _parse_overall_weights(data.get("overall_weights"), origin)
    dimensions = tuple(_parse_dimension(name, body, origin) for name, body in dimensions_data.items())
    missing = set(overall) - {d.name for d in dimensions}
    if missing:
        raise ConfigError(f"{origin}: overall_weights name dimensions without signals: {sorted(missing)}")
    extra = {d.name for d in dimensions} - set(overall)
    if extra:
        raise ConfigError(f"{origin}: dimensions without an overall weight: {sorted(extra)}")
    return ScoringConfig(version=version, overall_weights=overall, dimensions=dimensions)


def _parse_overall_weights(value: Any, origin: str) -> dict[str, float]:
    weights = _mapping(value, f"{origin}: overall_weights")
    parsed = {}
    for name, weight in weights.items():
        if name not in DIMENSIONS:
            raise ConfigError(f"{origin}: overall_weights: unknown dimension {name!r} (known: {DIMENSIONS})")
        parsed[name] = _positive(weight, f"{origin}: overall_weights.{name}")
    return parsed


def _parse_dimension(name: str, body: Any, origin: str) -> DimensionConfig:
    where = f"{origin}: dimensions.{name}"
    if name not in DIMENSIONS:
        raise ConfigError(f"{where}: unknown dimension (known: {DIMENSIONS})")
    signals = _mapping(_mapping(body, where).get("signals"), f"{where}.signals")
    if not signals:
        raise ConfigError(f"{where}.signals: at least one signal is needed")
    parsed = tuple(_parse_signal(sig_name, sig_body, f"{where}.signals.{sig_name}")
                   for sig_name, sig_body in signals.items())
    history = {s.name for s in parsed if SIGNALS[s.name].needs_history}
    if history and name != "momentum":
        raise ConfigError(f"{where}: history signals {sorted(history)} belong in the momentum dimension")
    if name == "momentum" and len(history) != len(parsed):
        raise ConfigError(f"{where}: the momentum dimension takes only history signals")
    return DimensionConfig(name=name, signals=parsed)


def _parse_signal(name: str, body: Any, where: str) -> SignalConfig:
    if name not in SIGNALS:
        raise ConfigError(f"{where}: unknown signal (known: {sorted(SIGNALS)})")
    body = _mapping(body, where)
    unknown_keys = set(body) - {"weight", "cap", "transform"}
    if unknown_keys:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown_keys)}")
    transform = body.get("transform", "log")
    if transform not in TRANSFORMS:
        raise ConfigError(f"{where}.transform: {transform!r} is not one of {TRANSFORMS}")
    return SignalConfig(
        name=name,
        weight=_positive(body.get("weight"), f"{where}.weight"),
        cap=_positive(body.get("cap"), f"{where}.cap"),
        transform=transform,
    )


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping")
    return value


def _positive(value: Any, where: str) -> float:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{where}: must be a positive number, got {value!r}")
    return float(value)
