import pandas as pd
import pytest

from training.data import LeakageError, check_leakage, leave_last_out, load_snapshot, time_split
from training.features import build_item_features, build_user_features, build_vocabs


def test_time_split_is_ordered(snapshot_dir):
    inter = load_snapshot(snapshot_dir).interactions
    s = time_split(inter)
    assert s.train["occurred_at"].max() < s.val_start <= s.val["occurred_at"].min()
    assert s.val["occurred_at"].max() < s.test_start <= s.test["occurred_at"].min()
    assert len(s.train) + len(s.val) + len(s.test) == len(inter)


def test_clean_features_pass_and_planted_leak_fails(snapshot_dir, embedder):
    snap = load_snapshot(snapshot_dir)
    s = time_split(snap.interactions)
    v = build_vocabs(snap)
    items = build_item_features(snap, v, embedder)
    _, used = build_user_features(snap, v, items, s.train, s.val_start, embedder)
    check_leakage(s, s.val_start, used)  # clean: must not raise

    # Planted leak 1: features built from all interactions (test period included) as of the end.
    _, used_all = build_user_features(snap, v, items, snap.interactions, snap.interactions["occurred_at"].max() + pd.Timedelta(seconds=1), embedder)
    with pytest.raises(LeakageError):
        check_leakage(s, s.val_start, used_all)
    # Planted leak 2: a single test event slipped into the training examples.
    with pytest.raises(LeakageError, match="1 validation/test events"):
        check_leakage(s, s.val_start, pd.concat([used, s.test.iloc[:1]]))
    # Planted leak 3: features computed after the validation period started.
    with pytest.raises(LeakageError, match="features computed as of"):
        check_leakage(s, s.test_start, used)


def test_leave_last_out_and_per_user_leak(snapshot_dir):
    inter = load_snapshot(snapshot_dir).interactions
    s = leave_last_out(inter)
    assert s.test.groupby("user_id").size().max() == 1
    check_leakage(s, s.val_start, s.train, per_user=True)
    u = s.test.iloc[0]["user_id"]
    later = inter[(inter["user_id"] == u) & (inter["occurred_at"] >= s.test[s.test["user_id"] == u]["occurred_at"].iloc[0])]
    with pytest.raises(LeakageError):
        check_leakage(s, s.val_start, pd.concat([s.train, later]), per_user=True)


def test_text_cache_skips_unchanged_texts(embedder):
    before = embedder.encoded
    a = embedder(["fresh bread", "organic milk"])
    mid = embedder.encoded
    b = embedder(["organic milk", "fresh bread"])
    assert embedder.encoded == mid <= before + 2  # second call: all cache hits
    assert abs((a[0] - b[1]).max()) == 0 and a.shape == (2, 384)
    assert abs(float((a[0] * a[0]).sum()) - 1) < 1e-4  # real MiniLM output, L2-normalised
