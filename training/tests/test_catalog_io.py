"""What a republish reads: cached text vectors and the catalogue part of a snapshot."""
import numpy as np
import pytest

from training.data import load_snapshot
from training.features import TEXT_DIM, TextEmbedder, _read_cached


def test_cached_vectors_read_back_exactly_and_odd_files_go_through_np_load(tmp_path):
    v = np.random.default_rng(0).standard_normal(TEXT_DIM).astype(np.float32)
    np.save(tmp_path / "a.npy", v)
    assert np.array_equal(_read_cached(tmp_path / "a.npy"), v)
    np.save(tmp_path / "b.npy", v.astype(np.float64))  # not the layout the fast path reads
    got = _read_cached(tmp_path / "b.npy")
    assert got.dtype == np.float64 and np.array_equal(got, v)
    assert _read_cached(tmp_path / "missing.npy") is None


def test_a_second_call_is_served_from_the_cache(tmp_path):
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return np.stack([np.full(TEXT_DIM, len(t), dtype=np.float32) for t in texts])

    first = TextEmbedder(cache_dir=tmp_path, encode_fn=encode)(["milk", "bread", "milk"])
    again = TextEmbedder(cache_dir=tmp_path, encode_fn=encode)(["bread", "milk"])
    assert calls == [["milk", "bread"]]  # each distinct text encoded once, then read from disk
    assert np.array_equal(again, first[[1, 0]])


def test_load_snapshot_leaves_out_skipped_tables_with_their_columns(snapshot_dir):
    full = load_snapshot(snapshot_dir)
    part = load_snapshot(snapshot_dir, skip=("interactions", "businesses"))
    assert len(full.interactions) > 0 and len(part.interactions) == 0
    assert list(part.interactions.columns) == list(full.interactions.columns)
    assert part.products.equals(full.products) and len(part.businesses) == 0
    with pytest.raises(ValueError, match="no table \\['sessions'\\]"):
        load_snapshot(snapshot_dir, skip=("sessions",))


def test_image_vectors_read_as_float32_arrays_equal_to_the_stored_lists(tmp_path):
    import pandas as pd

    from training.data import _read_images

    rng = np.random.default_rng(3)
    lists = [rng.standard_normal(5).tolist(), [], rng.standard_normal(5).tolist()]  # as snapshot() writes them
    pd.DataFrame({"product_id": ["a", "b", "c"], "embedding": lists}).to_parquet(tmp_path / "product_images.parquet", index=False)
    got = _read_images(tmp_path / "product_images.parquet")
    assert list(got["product_id"]) == ["a", "b", "c"]
    assert all(v.dtype == np.float32 for v in got["embedding"])
    for want, v in zip(lists, got["embedding"]):
        np.testing.assert_array_equal(v, np.asarray(want, dtype=np.float32))
