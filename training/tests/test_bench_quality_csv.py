"""bench_quality on a directory of the importer's CSVs (events.csv + products.csv): a time split in the
LightGCN protocol, then the same three models and the same output as for a LightGCN split."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training import bench_quality as bq

N_USERS, N_PRODUCTS, N_CLUSTERS = 300, 240, 6
T0 = pd.Timestamp("2026-03-01", tz="UTC")
# Spellings the importer maps (event-types.ts), positive and not.
POSITIVE_SPELLINGS = ["View", "page_view", "Add to cart", "AddToCart", "purchase", "Order", "wishlist", "click", "REVIEW"]


def write_sample(d: Path, seed: int = 7) -> dict:
    """Deterministic events.csv / products.csv: users prefer their cluster's products; times over 60 days
    in mixed formats (ISO with Z, "... UTC", unix seconds, unix ms). Returns what was planted."""
    rng = np.random.default_rng(seed)
    products = [f"sku-{i:04d}" for i in range(N_PRODUCTS)]
    with open(d / "products.csv", "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(["product_id", "title", "description", "metadata"])
        for i, p in enumerate(products):
            w.writerow([p, f"Product {i}", f"line one\nline two of {i}", json.dumps({"catalog_id": f"c{i % N_CLUSTERS}"})])
    rows, truth = [], []  # truth: (user, item, type, time) of every valid positive event
    for u in range(N_USERS):
        user = f"user{u:03d}"
        cluster = u % N_CLUSTERS
        for _ in range(int(rng.integers(6, 16))):
            if rng.random() < 0.8:
                item = products[cluster + N_CLUSTERS * int(rng.integers(0, N_PRODUCTS // N_CLUSTERS))]
            else:
                item = products[int(rng.integers(0, N_PRODUCTS))]
            t = T0 + pd.Timedelta(seconds=int(rng.integers(0, 60 * 86400)))
            spelling = POSITIVE_SPELLINGS[int(rng.integers(0, len(POSITIVE_SPELLINGS)))]
            fmt = int(rng.integers(0, 4))
            ts = [t.strftime("%Y-%m-%dT%H:%M:%SZ"), t.strftime("%Y-%m-%d %H:%M:%S UTC"), str(int(t.timestamp())), str(int(t.timestamp()) * 1000)][fmt]
            rows.append([user, item, spelling, ts])
            truth.append((user, item, t))
        rows.append([user, products[cluster], "Impression", T0.isoformat()])  # not a positive type
    rows.append(["user000", "", "Search", "2026-03-02T10:00:00Z"])  # a search: valid, not a positive
    invalid = [
        ["user001", products[0], "teleport", "2026-03-03T10:00:00Z"],  # unknown type
        ["user002", products[0], "View", "yesterday"],  # unreadable time
        ["", products[0], "View", "2026-03-03T10:00:00Z"],  # no user
        ["user003", "", "View", "2026-03-03T10:00:00Z"],  # a view without a product
    ]
    unknown = [["user004", "sku-9999", "Purchase", "2026-03-04T10:00:00Z"]]  # not in products.csv
    rows += invalid + unknown
    order = rng.permutation(len(rows))
    with open(d / "events.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Buyer ID", "product_id", "Event Type", "timestamp"])  # loose header names, as the importer takes
        for i in order:
            w.writerow(rows[i])
    return {"truth": pd.DataFrame(truth, columns=["user", "item", "t"]), "invalid": len(invalid), "unknown": len(unknown), "rows": len(rows)}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    d = tmp_path_factory.mktemp("data") / "tinyshop"
    d.mkdir()
    return d, write_sample(d)


def test_split_is_a_time_split(sample):
    d, planted = sample
    s = bq.load_csv_split(d, test_frac=0.2)
    truth = planted["truth"]
    assert s.info["events"] == planted["rows"]
    assert s.info["invalid_events"] == planted["invalid"]
    assert s.info["unknown_product_events"] == planted["unknown"]
    assert s.info["positive_events"] == len(truth)
    assert s.info["products"] == N_PRODUCTS
    # ~20% of the positive events are at or after the cut.
    assert abs((truth["t"] >= s.cut).mean() - 0.2) < 0.01
    # Training = every positive pair before the cut, exactly.
    tu, ti = s.train.nonzero()
    train_pairs = set(zip(s.users[tu], s.items[ti]))
    assert train_pairs == set(zip(truth.loc[truth["t"] < s.cut, "user"], truth.loc[truth["t"] < s.cut, "item"]))
    # Test: no pair from before the cut (none is in training), each has an event at or after the cut.
    su, si = s.test.nonzero()
    test_pairs = set(zip(s.users[su], s.items[si]))
    assert test_pairs and not (test_pairs & train_pairs)
    first = truth.groupby(["user", "item"])["t"].min()
    assert all(first[p] >= s.cut for p in test_pairs)
    # Every later pair is either in test or accounted for as dropped.
    later = set(zip(truth.loc[truth["t"] >= s.cut, "user"], truth.loc[truth["t"] >= s.cut, "item"]))
    dropped = sum(s.info[k] for k in ("test_pairs_dropped_unseen_user", "test_pairs_dropped_unseen_item", "test_pairs_dropped_in_train"))
    assert len(later) == len(test_pairs) + dropped
    assert s.info["test_pairs_dropped_in_train"] == len(later & train_pairs)


def test_end_to_end_json(sample, capsys):
    d, _ = sample
    out = bq.main([
        "--data", str(d), "--epochs", "1", "--dim", "16", "--threads", "1",
        "--als-factors", "8", "--als-iters", "2", "--lfm-dim", "8", "--lfm-epochs", "1",
    ])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line == json.loads(json.dumps(out))
    assert set(line) == {"dataset", "results", "split", "souk_stages"}
    assert line["dataset"] == "tinyshop"
    assert set(line["results"]) == {"souk", "implicit-als", "lightfm-warp"}
    # Souk is retrieval + re-rank; each stage alone is reported beside it, and the two-stage time covers both.
    assert set(line["souk_stages"]) == {"two-tower", "graph-filter"}
    st = line["souk_stages"]
    assert line["results"]["souk"]["train_s"] >= st["two-tower"]["train_s"]
    for r in [*line["results"].values(), *st.values()]:
        assert set(r) == {"recall@20", "ndcg@20", "train_s"}
        assert 0.0 <= r["recall@20"] <= 1.0 and 0.0 <= r["ndcg@20"] <= 1.0
    sp_ = line["split"]
    assert sp_["test_frac"] == 0.2 and sp_["test_pairs"] > 0
    assert pd.Timestamp(sp_["cut"]) == bq.load_csv_split(d).cut


def test_lightgcn_files_take_precedence(sample, tmp_path, capsys):
    """A directory with train.txt + test.txt is read as LightGCN even when events.csv is there too."""
    (tmp_path / "events.csv").write_text((sample[0] / "events.csv").read_text())
    (tmp_path / "train.txt").write_text("0 0 1 2\n1 1 2 3\n2 0 3\n")
    (tmp_path / "test.txt").write_text("0 3\n1 0\n2 1\n")
    out = bq.main(["--data", str(tmp_path), "--only", "implicit-als", "--als-factors", "4", "--als-iters", "1", "--threads", "1"])
    assert set(out) == {"dataset", "results"}
    capsys.readouterr()
