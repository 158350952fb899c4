"""The graph filter (the benchmark's re-ranking stage): its scores are the formula in its docstring,
computed densely here by hand, and the two-stage re-rank keeps exactly the retrieval candidates."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch

from training.graph_filter import FilterConfig, GraphFilter, rerank
from training.ranking import evaluate_scores


def clustered(n_users=120, n_items=60, n_clusters=4, per_user=8, seed=3) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Each user picks items of their own cluster (90%); one picked item per user is held out as test."""
    rng = np.random.default_rng(seed)
    train_rows, test_rows = [], []
    for u in range(n_users):
        c = u % n_clusters
        own = np.arange(c, n_items, n_clusters)
        picks = set()
        while len(picks) < per_user:
            picks.add(int(rng.choice(own)) if rng.random() < 0.9 else int(rng.integers(n_items)))
        picks = list(rng.permutation(sorted(picks)))  # a random held-out item, not the smallest id
        test_rows.append((u, int(picks[0])))
        train_rows += [(u, int(i)) for i in picks[1:]]

    def csr(rows):
        r = np.array(rows)
        return sp.csr_matrix((np.ones(len(r), np.float32), (r[:, 0], r[:, 1])), shape=(n_users, n_items))

    return csr(train_rows), csr(test_rows)


def test_scores_match_the_formula_computed_densely():
    train, _ = clustered()
    cfg = FilterConfig(k=10, beta=0.3, sharpen_t=1.7)
    gf = GraphFilter(train, cfg)
    r = train.toarray().astype(np.float64)
    du, di = r.sum(1), r.sum(0)
    rn = r / np.sqrt(np.maximum(du, 1))[:, None] / np.sqrt(np.maximum(di, 1))[None, :]
    p = rn.T @ rn
    vt = np.linalg.svd(rn, full_matrices=False)[2][: cfg.k]
    low = r @ np.diag(1 / np.sqrt(np.maximum(di, 1))) @ vt.T @ vt @ np.diag(np.sqrt(np.maximum(di, 1)))
    y = cfg.beta * low + r @ p
    hp = cfg.sharpen_t * p
    poly = np.eye(p.shape[0]) - hp + hp @ hp / 2 - hp @ hp @ hp / 6 + hp @ hp @ hp @ hp / 24
    want = y @ poly
    users = np.arange(train.shape[0])
    got = gf.scores(users).numpy()
    assert np.abs(got - want).max() < 1e-3 * np.abs(want).max()


def test_truncated_svd_path_spans_the_top_singular_subspace():
    """Large graphs take ARPACK's top-k (k < half the smaller side); it must span the dense SVD's top k."""
    train, _ = clustered(n_users=300, n_items=200)
    gf = GraphFilter(train, FilterConfig(k=20))
    r = train.toarray()
    rn = r / np.sqrt(np.maximum(r.sum(1), 1))[:, None] / np.sqrt(np.maximum(r.sum(0), 1))[None, :]
    vt = np.linalg.svd(rn, full_matrices=False)[2][:20]
    # Singular vectors are defined up to sign (and rotation within ties): compare subspaces.
    cosines = np.linalg.svd(vt @ gf.v.numpy().astype(np.float64))[1]
    assert np.abs(cosines - 1).max() < 1e-3


def test_filter_finds_held_out_items_of_the_users_cluster():
    train, test = clustered()
    gf = GraphFilter(train, FilterConfig(k=8))
    pop = torch.from_numpy(np.asarray(train.sum(0)).ravel())
    ours = evaluate_scores(gf.scores, train, test, ks=(5,))["recall@5"]
    popular = evaluate_scores(lambda u: pop.expand(len(u), -1).clone(), train, test, ks=(5,))["recall@5"]
    assert ours > popular + 0.2


def test_rerank_orders_only_the_candidates():
    retrieval = torch.tensor([[5.0, 4.0, 3.0, 2.0, 1.0, 0.0]])
    refine = torch.tensor([[0.0, 1.0, 9.0, 8.0, 7.0, 6.0]])
    exclude = torch.tensor([[False, True, False, False, False, False]])
    out = rerank(retrieval, refine, 3, exclude=exclude)
    # Candidates: the top 3 allowed by retrieval = items 0, 2, 3; ordered by refine: 2, 3, 0.
    assert torch.topk(out, 3).indices.tolist() == [[2, 3, 0]]
    assert torch.isinf(out[0, [1, 4, 5]]).all()
    assert rerank(retrieval, refine, 10, exclude=exclude)[0, 1] == -torch.inf  # excluded even when n > allowed
