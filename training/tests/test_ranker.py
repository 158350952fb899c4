"""The re-ranker end to end on small generated data: impression lists with planted preferences,
tiny towers, LambdaRank, ONNX export with parity, metrics and reports; plus point-in-time features
and the TypeScript fixture staying in step with the Python definition."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training import ranker
from training.config import ModelConfig, TrainConfig
from training.data import load_snapshot
from training.features import TEXT_DIM, TextEmbedder
from training.tests.synth import CATEGORIES, make_frames
from training.train import load_best, model_config_for, prepare, train

ROOT = Path(__file__).resolve().parents[2]


def fake_text(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in for MiniLM: a unit vector seeded by the text."""
    out = np.zeros((len(texts), TEXT_DIM), np.float32)
    for i, t in enumerate(texts):
        v = np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=TEXT_DIM)
        out[i] = v / np.linalg.norm(v)
    return out


def with_impression_lists(frames: dict[str, pd.DataFrame], seed: int = 1) -> dict[str, pd.DataFrame]:
    """Adds sessions like the demo generator's: a list of 6 products shown (IMPRESSION 50 ms apart),
    then VIEW -> CLICK -> ADD_TO_CART -> PURCHASE mostly on products of the user's favourite category
    and of their staple brand; plus products' created_at and the sessions' device."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-01-01", tz="UTC")
    products, users = frames["products"].copy(), frames["users"]
    products["created_at"] = [t0 - pd.Timedelta(days=float(d)) for d in rng.uniform(0, 300, len(products))]
    by_cat = {c: np.flatnonzero(products["category"].to_numpy() == c) for c in CATEGORIES}
    rows = []
    for u, fav in enumerate(users["favourite_categories"]):
        fav_brand = products["brand"].iloc[int(rng.integers(len(products)))]
        for s in range(12):
            t = t0 + pd.Timedelta(seconds=float(rng.uniform(0, 60 * 24 * 3600)))
            shown = list(rng.choice(by_cat[fav[0]], 3, replace=False)) + list(rng.choice(len(products), 3, replace=False))
            rng.shuffle(shown)
            device = rng.choice(["ios", "android", "web"])
            sid = f"L{u}_{s}"
            for k, p in enumerate(dict.fromkeys(int(x) for x in shown)):
                rows.append((f"i{u}_{s}_{k}", f"u{u}", f"p{p}", "IMPRESSION", t + pd.Timedelta(milliseconds=50 * k), sid, device))
            at = t + pd.Timedelta(seconds=5)
            for p in dict.fromkeys(int(x) for x in shown):
                want = 0.15 + 0.55 * (products["category"].iloc[p] == fav[0]) + 0.25 * (products["brand"].iloc[p] == fav_brand)
                for step in ("VIEW", "CLICK", "ADD_TO_CART", "PURCHASE"):
                    if rng.random() > want:
                        break
                    at += pd.Timedelta(seconds=float(rng.uniform(3, 30)))
                    rows.append((f"a{u}_{s}_{p}_{step}", f"u{u}", f"p{p}", step, at, sid, device))
    extra = pd.DataFrame(rows, columns=["event_id", "user_id", "product_id", "type", "occurred_at", "session_id", "device"])
    extra["business_id"] = [f"b{int(p[1:]) % 6}" for p in extra["product_id"]]
    extra["query"], extra["rating"] = None, None
    inter = frames["interactions"].assign(device=None)
    inter = pd.concat([inter, extra[inter.columns]], ignore_index=True).sort_values("occurred_at", kind="stable").reset_index(drop=True)
    return {**frames, "products": products, "interactions": inter}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranker")
    snap = root / "snap"
    snap.mkdir()
    for name, df in with_impression_lists(make_frames(n_users=120, n_products=240, events_per_user=16, seed=5)).items():
        df.to_parquet(snap / f"{name}.parquet", index=False)
    emb = TextEmbedder(cache_dir=root / "text", encode_fn=fake_text)
    prep = prepare(snap, TrainConfig(), embed_text=emb)
    mcfg = model_config_for(prep, ModelConfig(user_id_dim=8, demo_dim=8, pref_dim=8, visual_dim=16, session_dim=8,
                                              item_id_dim=8, attr_dim=8, hidden=(64,), out_dim=32))
    run = root / "run"
    train(prep, mcfg, TrainConfig(epochs=1, batch_size=256, lr=1e-2, hard_negatives=0, num_threads=1, out_dir=str(run)), progress=False)
    model = load_best(run)
    exp = root / "export"  # what export.py leaves there, as far as the ranker is concerned
    exp.mkdir()
    (exp / "metadata.json").write_text(json.dumps({"model_version": 1, "towers": {"user": {"file": "user_tower.onnx"}}}))
    (run / "report").mkdir()
    (run / "report" / "report.md").write_text("# Evaluation report\n\nbody\n")
    result = ranker.train_ranker(str(snap), str(run), str(exp), embed_text=emb, num_threads=1)
    return {"snap": snap, "run": run, "export": exp, "result": result, "emb": emb, "model": model}


def test_trains_exports_and_reports(setup):
    r, exp, run = setup["result"], setup["export"], setup["run"]
    assert r["features"] == list(ranker.RANK_FEATURES)
    assert (r["input"], r["output"], r["file"]) == ("features", "score", "ranker.onnx")
    m = r["metrics"]
    for k in ("ndcg@10_retrieval_order", "ndcg@10_ranker", "gain", "n_lists_train", "n_lists_test"):
        assert k in m, k
    assert m["n_lists_train"] >= ranker.MIN_LISTS and m["n_lists_test"] >= ranker.MIN_LISTS
    assert m["gain"] == pytest.approx(m["ndcg@10_ranker"] - m["ndcg@10_retrieval_order"])
    # The planted signal (favourite category, staple brand) is what cat/brand affinity measure: the
    # ranker must order the held-out lists better than the order they were shown in (random).
    assert m["ndcg@10_ranker"] > m["ndcg@10_logged_order"] + 0.03, m
    assert r["parity_max_abs_diff"] <= ranker.PARITY_TOL
    assert json.loads((exp / "ranker.json").read_text()) == r
    meta = json.loads((exp / "metadata.json").read_text())
    assert meta["ranker"] == r and "towers" in meta  # the towers' metadata is kept
    assert json.loads((run / "report" / "ranker.json").read_text()) == r
    md = (run / "report" / "report.md").read_text()
    assert md.startswith("# Evaluation report") and md.count("## Re-ranker") == 1
    ranker._append_report(run, r)  # a re-run replaces its section instead of adding another
    assert (run / "report" / "report.md").read_text().count("## Re-ranker") == 1


def test_onnx_matches_lightgbm(setup):
    import lightgbm as lgb
    import onnxruntime as ort

    sess = ort.InferenceSession(str(setup["export"] / "ranker.onnx"), providers=["CPUExecutionProvider"])
    (inp,), (out,) = sess.get_inputs(), sess.get_outputs()
    assert (inp.name, inp.type, inp.shape[1]) == ("features", "tensor(float)", len(ranker.RANK_FEATURES))
    assert (out.name, out.type, out.shape[1]) == ("score", "tensor(float)", 1)
    booster = lgb.Booster(model_file=str(setup["run"] / "ranker_lightgbm.txt"))
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 8, (500, len(ranker.RANK_FEATURES))).astype(np.float32)  # every split taken both ways
    got = sess.run(["score"], {"features": X})[0]
    assert got.shape == (500, 1)
    assert np.abs(got[:, 0] - booster.predict(X.astype(np.float64), raw_score=True)).max() <= 1e-4


def test_features_are_point_in_time(setup):
    """A list's features (tower score included) are the same when every event from its instant on is
    deleted, and its labels come only from what happened after it was shown."""
    from training.features import build_item_features, build_user_features, build_vocabs
    from training.data import time_split

    snap = load_snapshot(setup["snap"])
    rows = ranker.impression_lists(snap.interactions)
    lists = rows.drop_duplicates("list_id").sort_values("t")
    picked = lists.iloc[[len(lists) // 2, -1]]

    def features(s, sub_rows):
        v = build_vocabs(s)
        items = build_item_features(s, v, setup["emb"])
        split = time_split(snap.interactions)  # the towers' split, from the full snapshot
        static, _ = build_user_features(s, v, items, split.train, split.val_start, setup["emb"])
        ls = sub_rows.drop_duplicates("list_id")[["list_id", "user_id", "t"]].reset_index(drop=True)
        tower = ranker.tower_scores(setup["model"], s, v, items, static, ls, sub_rows, setup["emb"])
        return ranker.build_dataset(s, sub_rows, tower)

    for _, lst in picked.iterrows():
        sub = rows[rows["list_id"] == lst["list_id"]].reset_index(drop=True)
        full = features(snap, sub)
        cut_ms = ranker._series_ms(snap.interactions["occurred_at"])
        past = load_snapshot(setup["snap"])
        past.interactions = past.interactions[cut_ms < lst["t"]].reset_index(drop=True)
        np.testing.assert_array_equal(full, features(past, sub))
        assert not ranker.label_lists(sub, past.interactions).any()


def test_ndcg():
    # One list, labels [0, 2, 1]: perfect order scores 1; the logged order less.
    y, g = np.array([0, 2, 1]), np.array([3])
    assert ranker.ndcg_at(y, np.array([0.0, 2.0, 1.0]), g) == pytest.approx(1.0)
    dcg = 0 / 1 + 3 / np.log2(3) + 1 / 2
    assert ranker.ndcg_at(y, np.array([3.0, 2.0, 1.0]), g) == pytest.approx(dcg / (3 + 1 / np.log2(3)))
    # A list with no positive is skipped.
    assert ranker.ndcg_at(np.array([0, 0, 2, 0]), np.array([1.0, 0.0, 0.0, 1.0]), np.array([2, 2])) == pytest.approx(1 / np.log2(3) / 1)


def test_typescript_fixture_is_current(tmp_path):
    """subgraphs/recommendations/test/fixtures/rank-features.json is what the Python definition gives
    today (regenerate with `python -m training.ranker --fixture <path>` after changing a feature)."""
    fresh = json.loads(ranker.write_fixture(tmp_path / "f.json").read_text())
    committed = json.loads((ROOT / "subgraphs/recommendations/test/fixtures/rank-features.json").read_text())
    assert fresh == committed


def test_snapshot_without_device_or_created_at(setup):
    """data.snapshot's queries (today) select neither interactions.device nor products.created_at:
    device_mobile is then 0 and recency falls back to products.updated_at."""
    snap = load_snapshot(setup["snap"])
    rows = ranker.impression_lists(snap.interactions).head(40)
    full = ranker.build_dataset(snap, rows, np.zeros(len(rows)))
    snap.interactions = snap.interactions.drop(columns=["device"])
    snap.products = snap.products.drop(columns=["created_at"])
    rows2 = ranker.impression_lists(snap.interactions).head(40)
    assert rows2["device"].isna().all()
    old = ranker.build_dataset(snap, rows2, np.zeros(len(rows2)))
    col = list(ranker.RANK_FEATURES).index
    assert (old[:, col("device_mobile")] == 0).all() and full[:, col("device_mobile")].any()
    keep = [i for i, f in enumerate(ranker.RANK_FEATURES) if f not in ("device_mobile", "recency")]
    np.testing.assert_array_equal(full[:, keep], old[:, keep])


def test_too_few_lists_is_a_clear_error(tmp_path, setup):
    """The conftest snapshot has impressions but hardly any lists of two or more products."""
    from training.tests.synth import write_snapshot

    snap = write_snapshot(tmp_path / "snap", n_users=40, n_products=80, events_per_user=10)
    with pytest.raises(ranker.NotEnoughLists):
        ranker.train_ranker(str(snap), str(setup["run"]), str(tmp_path / "exp"), embed_text=setup["emb"], num_threads=1)
