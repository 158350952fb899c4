"""Full-ranking evaluation shared by the benchmark and the report: score every item for every test
user, mask the user's training items, take the top K, and compute LightGCN's metrics.

Recall@K = hits / |test items of the user|; NDCG@K = DCG / IDCG with IDCG over min(|test|, K)
positions, binary relevance, log2(rank + 1) discount: exactly LightGCN's `RecallPrecision_ATk` and
`NDCGatK_r`, averaged over every user that has at least one test item.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import scipy.sparse as sp
import torch


def topk_full_ranking(
    score_fn: Callable[[np.ndarray], torch.Tensor], train: sp.csr_matrix, users: np.ndarray, k: int, chunk: int = 2048
) -> np.ndarray:
    """score_fn(user ids (b,)) -> (b, I) scores. Returns (len(users), k) item ids, best first,
    with each user's training items excluded; -1 pads when the catalog has fewer than k items."""
    return topk_many(lambda ub: {"_": score_fn(ub)}, train, users, k, chunk)["_"]


def topk_many(
    score_fn: Callable[[np.ndarray], dict[str, torch.Tensor]], train: sp.csr_matrix, users: np.ndarray, k: int, chunk: int = 2048
) -> dict[str, np.ndarray]:
    """topk_full_ranking for several rankings per batch: score_fn returns {name: (b, I) scores}."""
    out: dict[str, np.ndarray] = {}
    for s in range(0, len(users), chunk):
        ub = users[s : s + chunk]
        r, c = train[ub].nonzero()
        for name, scores in score_fn(ub).items():
            scores = scores.float()
            scores[torch.from_numpy(r), torch.from_numpy(c)] = -torch.inf
            kk = min(k, scores.shape[1])
            top = out.setdefault(name, np.full((len(users), k), -1, dtype=np.int64))
            top[s : s + len(ub), :kk] = torch.topk(scores, kk, dim=1).indices.numpy()
    return out


def hits_matrix(top: np.ndarray, test: sp.csr_matrix, users: np.ndarray) -> np.ndarray:
    """(U, K) bool: hit[u, j] = top[u, j] is a test item of users[u]."""
    hits = np.zeros(top.shape, dtype=bool)
    for row, u in enumerate(users):
        t = test.indices[test.indptr[u] : test.indptr[u + 1]]
        hits[row] = np.isin(top[row], t)
    return hits


def recall_ndcg(hits: np.ndarray, n_test: np.ndarray, k: int) -> dict[str, float]:
    """hits (U, >=k) bool in rank order; n_test (U,) test items per user. Means over users."""
    h = hits[:, :k].astype(np.float64)
    disc = 1.0 / np.log2(np.arange(2, k + 2))  # (k,)
    dcg = (h * disc).sum(1)
    idcg = np.cumsum(disc)[np.minimum(n_test, k) - 1]
    return {
        f"recall@{k}": float((h.sum(1) / n_test).mean()),
        f"ndcg@{k}": float((dcg / idcg).mean()),
        f"precision@{k}": float((h.sum(1) / k).mean()),
        f"hitrate@{k}": float((h.sum(1) > 0).mean()),
    }


def evaluate_scores(
    score_fn: Callable[[np.ndarray], torch.Tensor], train: sp.csr_matrix, test: sp.csr_matrix, ks: tuple[int, ...] = (20,)
) -> dict[str, float]:
    """Full ranking over all items for every user with a test item; metrics at every K in ks."""
    return evaluate_many(lambda users: {"_": score_fn(users)}, train, test, ks)["_"]


def evaluate_many(
    score_fn: Callable[[np.ndarray], dict[str, torch.Tensor]], train: sp.csr_matrix, test: sp.csr_matrix, ks: tuple[int, ...] = (20,)
) -> dict[str, dict[str, float]]:
    """evaluate_scores for several rankings that share work: score_fn returns {name: (b, I) scores}
    for a batch of users (e.g. a retrieval stage and the list re-ranked from it), and each name gets
    its own metrics. One pass over the users, so a shared stage is computed once per batch."""
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    n_test = np.diff(test.indptr)[users]
    out: dict[str, dict[str, float]] = {}
    for name, top in topk_many(score_fn, train, users, max(ks)).items():
        hits = hits_matrix(top, test, users)
        out[name] = {}
        for k in ks:
            out[name].update(recall_ndcg(hits, n_test, k))
    return out
