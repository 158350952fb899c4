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


def test_image_vectors_round_trip_through_the_matrix_beside_the_parquet_file(tmp_path):
    import pandas as pd

    from training.data import IMAGES_NPY, _read_images, write_image_matrix

    rng = np.random.default_rng(4)
    vecs = [rng.standard_normal(6) for _ in range(3)]  # float64, as parsed text may be
    df = pd.DataFrame({"product_id": ["a", "b", "c"], "embedding": vecs})
    write_image_matrix(df, tmp_path).to_parquet(tmp_path / "product_images.parquet", index=False)
    assert (tmp_path / IMAGES_NPY).exists()
    got = _read_images(tmp_path / "product_images.parquet")
    assert list(got["product_id"]) == ["a", "b", "c"]
    for want, v in zip(vecs, got["embedding"]):
        assert v.dtype == np.float32
        np.testing.assert_array_equal(v, want.astype(np.float32))

    # A matrix that does not match the ids is an error, not a silent misalignment.
    np.save(tmp_path / IMAGES_NPY, np.zeros((2, 6), dtype=np.float32))
    with pytest.raises(ValueError, match="shape \\(2, 6\\) does not match the 3 rows"):
        _read_images(tmp_path / "product_images.parquet")

    # Ragged vectors cannot be a matrix: they go to the Parquet file, and the stale matrix goes.
    ragged = pd.DataFrame({"product_id": ["a", "b"], "embedding": [np.ones(2), np.ones(3)]})
    write_image_matrix(ragged, tmp_path).to_parquet(tmp_path / "product_images.parquet", index=False)
    assert not (tmp_path / IMAGES_NPY).exists()
    assert [len(v) for v in _read_images(tmp_path / "product_images.parquet")["embedding"]] == [2, 3]


def test_a_loaded_image_matrix_survives_a_new_snapshot_written_over_it(tmp_path):
    import pandas as pd

    from training.data import IMAGES_NPY, _read_images, write_image_matrix

    def write(value: float) -> None:
        df = pd.DataFrame({"product_id": ["a", "b"], "embedding": [np.full(4, value), np.full(4, value)]})
        write_image_matrix(df, tmp_path).to_parquet(tmp_path / "product_images.parquet", index=False)

    write(1.0)
    loaded = _read_images(tmp_path / "product_images.parquet")
    # Mapped, not copied (the page cache holds it, not the process) ...
    assert isinstance(loaded["embedding"].iloc[0].base, np.memmap)
    # ... so a snapshot taken meanwhile must not rewrite the file under it: the old rows still read
    # as they were (a truncated mapping would be a SIGBUS here), and a new load sees the new ones.
    write(2.0)
    assert all((v == 1.0).all() for v in loaded["embedding"])
    assert all((v == 2.0).all() for v in _read_images(tmp_path / "product_images.parquet")["embedding"])
    assert sorted(q.name for q in tmp_path.iterdir()) == [IMAGES_NPY, "product_images.parquet"]  # no temporary left


def test_a_skipped_image_table_keeps_its_embedding_column(snapshot_dir):
    part = load_snapshot(snapshot_dir, skip=("product_images",))
    assert len(part.product_images) == 0 and list(part.product_images.columns) == ["product_id", "embedding"]
    assert len(load_snapshot(snapshot_dir).product_images) > 0


def test_a_long_list_seen_before_is_read_back_as_one_batch_file(tmp_path, monkeypatch):
    monkeypatch.setattr(TextEmbedder, "BATCH_MIN", 3)
    monkeypatch.setattr(TextEmbedder, "BATCH_KEEP", 2)

    def encode(texts):
        return np.stack([np.full(TEXT_DIM, len(t), dtype=np.float32) for t in texts])

    texts = ["milk", "bread", "tea", "milk"]
    first = TextEmbedder(cache_dir=tmp_path, encode_fn=encode)(texts)
    batches = list((tmp_path / "batches").glob("*.npy"))
    assert len(batches) == 1
    for p in tmp_path.glob("*.npy"):  # the per-text files gone: only the batch can answer now
        p.unlink()
    again = TextEmbedder(cache_dir=tmp_path, encode_fn=lambda t: pytest.fail(f"encoded {t}"))(texts)
    assert np.array_equal(again, first)

    # A damaged batch file is a miss: the texts are embedded again and the batch rewritten.
    batches[0].write_bytes(b"not a numpy file")
    emb = TextEmbedder(cache_dir=tmp_path, encode_fn=encode)
    assert np.array_equal(emb(texts), first) and emb.encoded == 3
    assert np.array_equal(np.load(batches[0]), first)

    # Short lists write no batch; beyond BATCH_KEEP the least recently used batches are deleted.
    emb(["a", "b"])
    assert len(list((tmp_path / "batches").glob("*.npy"))) == 1
    emb(["a", "b", "c"])
    emb(["a", "b", "c", "d"])
    assert len(list((tmp_path / "batches").glob("*.npy"))) == 2
