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
    out = np.full((len(users), k), -1, dtype=np.int64)
    for s in range(0, len(users), chunk):
        ub = users[s : s + chunk]
        scores = score_fn(ub).float()  # (b, I)
        r, c = train[ub].nonzero()
        scores[torch.from_numpy(r), torch.from_numpy(c)] = -torch.inf
        kk = min(k, scores.shape[1])
        out[s : s + len(ub), :kk] = torch.topk(scores, kk, dim=1).indices.numpy()
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
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    top = topk_full_ranking(score_fn, train, users, max(ks))
    hits = hits_matrix(top, test, users)
    n_test = np.diff(test.indptr)[users]
    out: dict[str, float] = {}
    for k in ks:
        out.update(recall_ndcg(hits, n_test, k))
    return out
