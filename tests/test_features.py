"""Typed loading of newsbot's JSONL with Hugging Face datasets and pandas: files where each nullable
field is null in one file and set in another load as one table."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pandas as pd
import pytest

from newsbot import dataset_features, pandas_dtypes
from newsbot.extraction import extract
from newsbot.features import record_fields

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "fixtures" / "pages" / "news_de_table.html"


def _nullable(spec: dict) -> bool:
    text = json.dumps(spec)
    return '"null"' in text or spec.get("$ref", "").endswith("_or_null")


def _mixed_files(folder: Path) -> list[Path]:
    """Two output files of one real record: every nullable field null in the first, set in the second."""
    record = extract(PAGE.read_bytes(), "https://www.sachsenkurier.de/wirtschaft/a-48213").to_dict()
    nullable = [name for name, spec in record_fields().items() if _nullable(spec)]
    assert {"source", "lead", "http_status", "duplicate_of", "modified"} <= set(nullable)
    nulls = {**record, **dict.fromkeys(nullable), "images": []}
    filled = {**record, **{name: "x" for name in nullable}, "http_status": 200, "published": "2024-05-01",
              "modified": "2024-05-02T10:00:00+02:00", "language": "de", "site": "example.org",
              "drop_reason": "too_short", "duplicate_of": "a" * 64, "fetched_at": "2024-05-02T08:00:00Z",
              "published_utc": "2024-05-01T08:00:00Z",
              "images": [{"url": "https://example.org/a.jpg", "caption": None, "credit": "dpa"}]}  # fmt: skip
    paths = []
    for n, row in enumerate((nulls, filled)):
        path = folder / "site" / "2024-05-02" / f"run-{n}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_every_record_field_has_a_type() -> None:
    record = extract(PAGE.read_bytes(), "https://www.sachsenkurier.de/wirtschaft/a-48213").to_dict()
    assert set(record) == set(dataset_features()) == set(pandas_dtypes())


def test_datasets_loads_a_folder_of_mixed_files(tmp_path: Path) -> None:
    _mixed_files(tmp_path)
    files = str(tmp_path / "*" / "*" / "*.jsonl")
    with pytest.raises(datasets.exceptions.DatasetGenerationError):  # what the features fix: types guessed per file clash
        datasets.load_dataset("json", data_files=files, split="train", cache_dir=str(tmp_path / "cache"))
    ds = datasets.load_dataset("json", data_files=files, split="train", features=dataset_features(),
                               cache_dir=str(tmp_path / "cache2"))  # fmt: skip
    assert ds.num_rows == 2
    assert sorted(ds["http_status"], key=str) == [200, None]
    assert ds[0]["blocks"][0]["type"] == "paragraph"
    assert sorted(map(len, ds["images"])) == [0, 1] and ds["word_count"][0] == ds["word_count"][1] > 0


def test_pandas_reads_mixed_files_into_one_typed_frame(tmp_path: Path) -> None:
    frames = [pd.read_json(path, lines=True, dtype=pandas_dtypes()) for path in _mixed_files(tmp_path)]
    df = pd.concat(frames, ignore_index=True)
    assert str(df["http_status"].dtype) == "Int64" and df["http_status"].tolist()[1] == 200
    assert str(df["source"].dtype) == "string" and df["source"].isna().tolist() == [True, False]
    assert str(df["is_article"].dtype) == "boolean"
