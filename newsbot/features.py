"""Column types of newsbot's JSONL records for dataframe and dataset libraries, read from the record's
JSON Schema (``extraction/article.schema.json``) so there is one description of the record.

Loaders guess a column's type per file: a field that is null throughout one file comes out as a
null column there and a string column in the next, and the files no longer concatenate
("Couldn't cast array of type string to null"). Handing them these types up front makes every
file load the same way.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (datasets is an optional extra: `pip install newsbot[datasets]`)
    import datasets

SCHEMA = Path(__file__).with_name("extraction") / "article.schema.json"


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


_CONST_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def _resolve(spec: dict[str, Any]) -> dict[str, Any]:
    """A property's spec with ``$ref`` and ``anyOf`` (a type or null) reduced to one spec with a ``type``."""
    if "$ref" in spec:
        spec = _schema()["$defs"][spec["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in spec:
        spec = next(_resolve(option) for option in spec["anyOf"] if option.get("type") != "null")
    if "const" in spec:
        return {"type": _CONST_TYPES[type(spec["const"])]}
    if "enum" in spec and "type" not in spec:
        return {"type": "string"}
    return spec


def _base_type(spec: dict[str, Any]) -> str:
    """The JSON type a property holds when it is not null ("string", "integer", "boolean", "array", "object")."""
    kind = _resolve(spec)["type"]
    return next(t for t in kind if t != "null") if isinstance(kind, list) else kind


def record_fields() -> dict[str, dict[str, Any]]:
    """Field name -> JSON Schema spec, in the schema's order."""
    return dict(_schema()["properties"])


_VALUES = {"string": "string", "integer": "int64", "boolean": "bool", "number": "float64"}
_PANDAS = {"string": "string", "integer": "Int64", "boolean": "boolean", "number": "Float64"}


def _feature(spec: dict[str, Any]) -> Any:
    import datasets

    spec = _resolve(spec)
    kind = _base_type(spec)
    if kind == "array":
        return datasets.List(_feature(spec["items"]))
    if kind == "object":
        return {name: _feature(sub) for name, sub in spec["properties"].items()}
    return datasets.Value(_VALUES[kind])


def dataset_features() -> datasets.Features:
    """Hugging Face ``datasets.Features`` of a record: pass as ``load_dataset("json", …, features=…)``."""
    import datasets

    return datasets.Features({name: _feature(spec) for name, spec in record_fields().items()})


def pandas_dtypes() -> dict[str, str]:
    """pandas dtypes of a record's scalar columns (nullable ones: "string", "Int64", "boolean");
    list and object columns stay ``object``. Pass as ``pd.read_json(…, lines=True, dtype=…)``."""
    return {name: _PANDAS.get(_base_type(spec), "object") for name, spec in record_fields().items()}
