import json
import math

import numpy as np
import scipy.sparse as sp
import torch

from training.evaluate import baselines, evaluate_all, metrics_for, put_section, to_csr, write_report
from training.ranking import evaluate_scores


def test_recall_ndcg_match_lightgcn_by_hand():
    # One user, test items {1, 5, 9}; ranked list hits at ranks 1 and 3 (items 1 and 9).
    test = sp.csr_matrix((np.ones(3), ([0, 0, 0], [1, 5, 9])), shape=(1, 12))
    train = sp.csr_matrix((1, 12))
    order = torch.tensor([[1, 2, 9, 3, 4, 6, 7, 8, 10, 11, 5, 0]], dtype=torch.float32)
    scores = torch.zeros(1, 12)
    scores[0, order[0].long()] = torch.arange(12, 0, -1, dtype=torch.float32)
    m = evaluate_scores(lambda u: scores.clone(), train, test, ks=(2, 20))
    assert math.isclose(m["recall@2"], 1 / 3)
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    idcg3 = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert math.isclose(m["ndcg@20"], (dcg + 1 / math.log2(12)) / idcg3, rel_tol=1e-9)  # item 5 is at rank 11
    assert math.isclose(m["ndcg@2"], (1 / math.log2(2)) / (1 / math.log2(2) + 1 / math.log2(3)), rel_tol=1e-9)


def test_report_with_baselines_and_strata(prepared, tmp_path):
    n_users, n_items = len(prepared.vocabs.users), len(prepared.vocabs.items)
    train = to_csr(prepared.train_seen, n_users, n_items)
    test = to_csr(prepared.test, n_users, n_items)
    cat = prepared.item_feats["category"].numpy()
    fns = baselines(train, cat)
    rep = evaluate_all(fns, train, test, cat, prepared.item_feats["vertical"].numpy())
    assert set(rep) == {"random", "most-popular", "category-popular", "itemknn", "graph-filter", "implicit-als", "lightfm-warp"}
    # Planted taste clusters: category-popular must beat random; metrics stay in range.
    assert rep["category-popular"]["all"]["recall@50"] > rep["random"]["all"]["recall@50"]
    for r in rep.values():
        assert 0 <= r["all"]["ndcg@20"] <= 1 and 0 < r["all"]["coverage@20"] <= 1
        assert any(k.startswith("vertical/") for k in r)
    write_report(rep, tmp_path, [{"epoch": 0, "loss": 1.0, "val_recall": 0.1}, {"epoch": 1, "loss": 0.5, "val_recall": 0.2}])
    assert json.loads((tmp_path / "report.json").read_text())["models"]["random"]["all"]["users"] > 0
    assert (tmp_path / "metrics.png").stat().st_size > 0 and (tmp_path / "training_curves.png").exists()
    assert "| category-popular |" in (tmp_path / "report.md").read_text()


def test_report_sections_replace_their_own_and_keep_the_others(tmp_path):
    (tmp_path / "report.md").write_text("# Evaluation report\n\n## all\n")
    put_section(tmp_path, "ranker", {"gain": 1}, "## Re-ranker\n\nfirst\n")
    put_section(tmp_path, "ablation", {"v": 1}, "## Ablation\n\nrows\n")
    put_section(tmp_path, "ranker", {"gain": 2}, "## Re-ranker\n\nsecond\n")  # a re-run of the ranker
    md = (tmp_path / "report.md").read_text()
    assert md.startswith("# Evaluation report") and "## all" in md
    assert md.count("## Re-ranker") == 1 and "second" in md and "first" not in md
    assert md.count("## Ablation") == 1 and "rows" in md  # untouched by the ranker's re-run
    assert json.loads((tmp_path / "ranker.json").read_text()) == {"gain": 2}
