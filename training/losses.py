"""Retrieval losses for the two-tower. All take L2-normalised embeddings, so logits are cosines / temperature.

- `sampled_softmax`: softmax cross-entropy over in-batch negatives (+ optional hard negatives) with
  log-Q correction (Yi et al., RecSys 2019): an item that appears in many batches is a negative far
  more often than a rare one, so its logit is lowered by log(its sampling probability) to make the
  in-batch softmax an unbiased estimate of the full softmax.
- `full_softmax`: exact softmax over the whole catalog, one row per user with all its positives as
  targets. Cheap when the catalog fits (Gowalla: 41k items) because a user's logits are shared by all
  of its positives; this is what the ID-only benchmark trains with.
- `infonce`: symmetric in-batch InfoNCE (user->item and item->user), no correction.
- `triplet`: hinge on the hardest in-batch negative.
- `feature_dropout`: zero the behavioural inputs of a random ~20% of users so the towers also learn
  to rank for users with no history (cold start).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Temperature(nn.Module):
    """A temperature, learned in log space (always positive) or fixed; clamped to [0.01, 1]."""

    def __init__(self, init: float, learn: bool):
        super().__init__()
        t = torch.tensor(math.log(init))
        if learn:
            self.log_t = nn.Parameter(t)
        else:
            self.register_buffer("log_t", t)

    def forward(self) -> torch.Tensor:
        return self.log_t.exp().clamp(0.01, 1.0)


def sampled_softmax(
    u: torch.Tensor,
    v: torch.Tensor,
    temperature: torch.Tensor | float,
    item_ids: torch.Tensor | None = None,
    log_q: torch.Tensor | None = None,
    hard: torch.Tensor | None = None,
    weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """u (B, D) users, v (B, D) their positive items (row i of v is user i's positive).

    item_ids (B,): masks other rows that hold the same item (an accidental "negative" that is a positive).
    log_q (B,): log sampling probability of each in-batch item; subtracted from its column's logits.
    hard (B, H, D): per-user hard negatives (impressions not clicked, semantically close products);
    they are not sampled from the batch distribution, so they get no correction.
    weights (B,): per-example weight (interaction type: view 1, cart 5, purchase 10).
    """
    logits = u @ v.T  # (B, B) cosines
    logits = logits / temperature
    if log_q is not None:
        logits = logits - log_q.unsqueeze(0)  # correct every column, the positive included (as in the paper)
    if item_ids is not None:
        same = item_ids.unsqueeze(0) == item_ids.unsqueeze(1)  # (B, B)
        same.fill_diagonal_(False)
        logits = logits.masked_fill(same, torch.finfo(logits.dtype).min)
    if hard is not None and hard.shape[1] > 0:
        hard_logits = torch.einsum("bd,bhd->bh", u, hard) / temperature  # (B, H)
        logits = torch.cat([logits, hard_logits], dim=1)  # (B, B + H)
    target = torch.arange(u.shape[0], device=u.device)
    loss = F.cross_entropy(logits, target, reduction="none")  # (B,)
    if weights is not None:
        return (loss * weights).sum() / weights.sum()
    return loss.mean()


def full_softmax(
    u: torch.Tensor, v_all: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, temperature: float
) -> torch.Tensor:
    """u (B, D) users, v_all (I, D) every item; (rows[k], cols[k]) = user row / item id of positive k.

    Mean over positives of -log softmax_i(u . v / t): the per-interaction full softmax, computed with
    one (B, I) logit matrix instead of one per interaction.
    """
    return full_softmax_logits(u @ v_all.T, rows, cols, temperature)


def full_softmax_logits(cos: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, temperature: float) -> torch.Tensor:
    """full_softmax from precomputed (B, I) cosines (lets the caller run the matmul in bf16)."""
    logp = torch.log_softmax(cos / temperature, dim=1)  # (B, I)
    return -logp[rows, cols].mean()


def full_ccl(cos: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, margin: float, neg_weight: float) -> torch.Tensor:
    """SimpleX's cosine contrastive loss with the whole catalog as negatives.

    cos (B, I) user-item cosines; per positive: (1 - cos(u, i)) + neg_weight * mean_j relu(cos(u, j) - margin).
    Only negatives closer than `margin` cost anything, which focuses the loss on the top of the ranking.
    """
    neg = torch.relu(cos - margin).mean(dim=1)  # (B,) mean over all items
    return (1 - cos[rows, cols]).mean() + neg_weight * neg[rows].mean()


def infonce(u: torch.Tensor, v: torch.Tensor, temperature: torch.Tensor | float) -> torch.Tensor:
    """Symmetric in-batch InfoNCE; u, v (B, D) with matching rows."""
    logits = u @ v.T / temperature  # (B, B)
    target = torch.arange(u.shape[0], device=u.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def triplet(u: torch.Tensor, v: torch.Tensor, margin: float, item_ids: torch.Tensor | None = None) -> torch.Tensor:
    """Hinge on the hardest in-batch negative: max(0, margin - cos(u, v+) + max cos(u, v-))."""
    sim = u @ v.T  # (B, B)
    pos = sim.diagonal()  # (B,)
    mask = torch.eye(u.shape[0], dtype=torch.bool, device=u.device)
    if item_ids is not None:
        mask |= item_ids.unsqueeze(0) == item_ids.unsqueeze(1)
    neg = sim.masked_fill(mask, -2.0).max(dim=1).values  # (B,)
    return F.relu(margin - pos + neg).mean()


BEHAVIOURAL_KEYS = ("hist_mask", "session_mask", "visual_pref", "query_text")


def feature_dropout(batch: dict[str, torch.Tensor], rate: float, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
    """Zero the behavioural inputs (history, session, visual preference, query text) of ~rate of users.

    Returns a new dict; the input batch is not modified. Ids and stated preferences stay: a cold
    user in production has those too.
    """
    if rate <= 0:
        return batch
    n = batch["user_id"].shape[0]
    keep = (torch.rand(n, generator=generator) >= rate).to(batch["user_id"].device)  # (B,)
    out = dict(batch)
    for k in BEHAVIOURAL_KEYS:
        if k in out:
            x = out[k]
            out[k] = x * keep.view(-1, *([1] * (x.dim() - 1))).to(x.dtype)
    return out


def log_q_from_counts(counts: torch.Tensor) -> torch.Tensor:
    """counts (I,) training occurrences per item -> (I,) log of the probability an item is a batch member.

    Sampling positives uniformly from the interaction log draws item i with p_i = c_i / sum(c);
    items never seen get the smallest observed probability instead of log(0).
    """
    c = counts.to(torch.float64)
    c = torch.where(c > 0, c, c[c > 0].min() if (c > 0).any() else torch.ones(()))
    return (c / c.sum()).log().to(torch.float32)
