"""Graph-filter scores over the user-item graph: the re-ranking stage Souk puts after two-tower retrieval.

A training-free filter in the form of BSPM (Choi et al., "Blurring-Sharpening Process Models for
Collaborative Filtering", SIGIR 2023), written here from the paper's equations:

    R~ = D_u^-1/2 R D_i^-1/2            degree-normalised interactions (users x items)
    P  = R~^T R~                        item-item filter; never materialised (x P = (x R~^T) R~)
    blur:      b(r) = r P               one Euler step of dr/dt = r (P - I) over t = 1
    low-pass:  l(r) = r D_i^-1/2 V_k V_k^T D_i^1/2
                                        V_k = top-k right singular vectors of R~ (the ideal filter)
    sharpen:   s(y) = y (I - hP + (hP)^2/2 - (hP)^3/6 + (hP)^4/24)
                                        one RK4 step of dr/dt = -r P over t = h
    score(r)   = s(beta * l(r) + b(r))

Why a filter and not a bigger tower: P is full-rank, and its long tail of small singular values
carries much of the signal on sparse data. A 128-d tower cannot hold it; a re-ranker that scores a
user's ~200 retrieved candidates can. Fitting is one truncated SVD (seconds on Gowalla), so it fits
the benchmark's training budget next to the tower.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.linalg import svds


@dataclass(frozen=True)
class FilterConfig:
    # The defaults are the published BSPM settings for Gowalla (factor_dim 448, idl_beta 0.2,
    # T_s 2.5 with one RK4 step); they were not tuned on any test set here.
    k: int = 448
    beta: float = 0.2
    sharpen_t: float = 2.5


class GraphFilter:
    def __init__(self, train: sp.csr_matrix, cfg: FilterConfig = FilterConfig(), seed: int = 0):
        """train: (users, items) binary interactions. Users or items without any interaction get
        zero rows/columns (their degree is clamped so nothing divides by zero)."""
        self.cfg = cfg
        self.train = train.tocsr().astype(np.float32)
        n_users, n_items = train.shape
        du = np.asarray(self.train.sum(1)).ravel()
        di = np.asarray(self.train.sum(0)).ravel()
        inv_su = 1.0 / np.sqrt(np.maximum(du, 1.0))
        inv_si = 1.0 / np.sqrt(np.maximum(di, 1.0))
        rn = (sp.diags(inv_su) @ self.train @ sp.diags(inv_si)).tocsr().astype(np.float32)
        k = max(0, min(cfg.k, min(n_users, n_items) - 1))
        if k >= min(n_users, n_items) // 2:
            # Small graphs: a dense SVD is exact and cheaper than ARPACK asking for most of the spectrum.
            _, _, vt = np.linalg.svd(rn.toarray(), full_matrices=False)  # singular values descending
            vt = vt[:k]
        else:
            # ARPACK's start vector is random; a fixed one makes the fit reproducible.
            v0 = np.random.default_rng(seed).random(min(rn.shape))
            _, s, vt = svds(rn, k=k, v0=v0)
            vt = vt[np.argsort(-s)]
        self.v = torch.from_numpy(np.ascontiguousarray(vt.T, dtype=np.float32))  # (I, k)
        self.inv_si = torch.from_numpy(inv_si.astype(np.float32))  # (I,)
        self.si = torch.from_numpy(np.sqrt(np.maximum(di, 1.0)).astype(np.float32))  # (I,)
        self.rn = _csr(rn)  # (U, I)
        self.rn_t = _csr(rn.T.tocsr())  # (I, U)

    def _p(self, x: torch.Tensor) -> torch.Tensor:
        """x (b, I) -> x P, as (R~^T (R~ x^T))^T: two sparse products through the user side."""
        return torch.sparse.mm(self.rn_t, torch.sparse.mm(self.rn, x.T.contiguous())).T

    def scores(self, users: np.ndarray) -> torch.Tensor:
        """(len(users), I) filter scores from each user's training interactions."""
        r = torch.from_numpy(self.train[users].toarray())  # (b, I)
        low = ((r * self.inv_si) @ self.v) @ (self.v.T * self.si)  # (b, I)
        y = self.cfg.beta * low + self._p(r)
        out, term = y, y
        for j in range(1, 5):  # the RK4 step of a linear ODE is its 4th-order Taylor polynomial
            term = self._p(term) * (-self.cfg.sharpen_t / j)
            out = out + term
        return out


def _csr(m: sp.csr_matrix) -> torch.Tensor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta": sparse.mm on CSR is all we use
        return torch.sparse_csr_tensor(
            torch.from_numpy(m.indptr.astype(np.int64)), torch.from_numpy(m.indices.astype(np.int64)),
            torch.from_numpy(m.data.astype(np.float32)), m.shape,
        )


def rerank(retrieval: torch.Tensor, refine: torch.Tensor, n_candidates: int, exclude: torch.Tensor | None = None) -> torch.Tensor:
    """Two-stage scores: keep each row's top `n_candidates` by `retrieval` (after `exclude`, a bool
    mask of items that may not be served), order them by `refine`, and push every other item below
    them. Returns (b, I) scores whose top-N is the re-ranked candidate list."""
    r = retrieval.clone()
    if exclude is not None:
        r[exclude] = -torch.inf
    n = min(n_candidates, r.shape[1])
    cand = torch.topk(r, n, dim=1).indices  # (b, n)
    out = torch.full_like(refine, -torch.inf)
    out.scatter_(1, cand, refine.gather(1, cand))
    if exclude is not None:
        out[exclude] = -torch.inf  # a row with fewer than n allowed items took some excluded ones
    return out
