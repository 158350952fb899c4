"""Souk's two-tower model: a user tower and a product tower whose L2-normalised outputs rank by dot product.

    user tower:    id->16 | demographics->16 | preferences->32 | query text 384 | visual 1280->128 | session->32
                   | history (mean of past item embeddings, SimpleX-style gate with the id)
                   -> concat -> 1024 -> 512 -> 128 -> L2
    product tower: id->16 | attributes (category, brand, price range, vertical)->32 | text 384 | image 1280->128
                   -> concat -> 1024 -> 512 -> 128 -> L2

`ModelConfig.id_only` drops every side feature: the user tower is then (1-g)*id + g*W*mean(history)
and the product tower its id embedding, which is the SimpleX encoder. Batches are dicts of tensors;
the exact keys are `USER_KEYS` / `ITEM_KEYS` so export.py can turn them into named ONNX inputs.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.config import ModelConfig

# Inputs each tower reads, in ONNX input order. History/session are padded id lists with a mask so
# the ONNX graph has fixed-rank inputs (EmbeddingBag offsets do not export cleanly).
USER_KEYS_ID_ONLY = ("user_id", "hist_ids", "hist_mask")
USER_KEYS = USER_KEYS_ID_ONLY + (
    "age_group", "gender", "city", "pref_cats", "pref_cats_mask", "pref_brands", "pref_brands_mask",
    "query_text", "visual_pref", "session_ids", "session_mask",
)
ITEM_KEYS_ID_ONLY = ("item_id",)
ITEM_KEYS = ITEM_KEYS_ID_ONLY + ("category", "brand", "price_range", "vertical", "text", "image")


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """x (B, L, D), mask (B, L) in {0,1} -> (B, D); an all-zero mask gives zeros, not NaN."""
    m = mask.unsqueeze(-1).to(x.dtype)
    return (x * m).sum(1) / m.sum(1).clamp_min(1.0)


def mlp(d_in: int, hidden: tuple[int, ...], d_out: int, dropout: float) -> nn.Module:
    if not hidden:
        return nn.Identity() if d_in == d_out else nn.Linear(d_in, d_out, bias=False)
    layers: list[nn.Module] = []
    for h in hidden:
        layers += [nn.Linear(d_in, h), nn.GELU(), nn.Dropout(dropout)]
        d_in = h
    layers.append(nn.Linear(d_in, d_out))
    return nn.Sequential(*layers)


class SessionAttention(nn.Module):
    """Aggregates the last-N products by attention: a learned query scores each item embedding."""

    def __init__(self, d: int):
        super().__init__()
        self.query = nn.Parameter(torch.randn(d) * 0.02)
        self.key = nn.Linear(d, d, bias=False)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        # x (B, L, D), mask (B, L)
        scores = self.key(x) @ self.query  # (B, L)
        scores = scores.masked_fill(mask <= 0, -1e4)  # -1e4 not -inf: an empty session stays finite
        w = torch.softmax(scores, dim=1) * (mask > 0).to(x.dtype)  # (B, L); zero for empty sessions
        return (w.unsqueeze(-1) * x).sum(1)  # (B, D)


class ItemTower(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        id_dim = cfg.out_dim if cfg.id_only else cfg.item_id_dim
        self.id_emb = nn.Embedding(cfg.n_items, id_dim)
        nn.init.normal_(self.id_emb.weight, std=0.1)
        if cfg.id_only:
            self.head = mlp(id_dim, cfg.hidden, cfg.out_dim, cfg.dropout)
            return
        self.category = nn.Embedding(cfg.n_categories, cfg.attr_dim)
        self.brand = nn.Embedding(cfg.n_brands, cfg.attr_dim)
        self.price = nn.Embedding(cfg.n_price_ranges, cfg.attr_dim)
        self.vertical = nn.Embedding(cfg.n_verticals, cfg.attr_dim)
        self.image = nn.Linear(cfg.image_dim, cfg.visual_dim)
        d_in = cfg.item_id_dim + cfg.attr_dim + cfg.text_dim + cfg.visual_dim
        self.head = mlp(d_in, cfg.hidden, cfg.out_dim, cfg.dropout)

    def forward(self, b: dict[str, torch.Tensor]) -> torch.Tensor:
        x = self.id_emb(b["item_id"])  # (B, id_dim)
        if not self.cfg.id_only:
            attrs = self.category(b["category"]) + self.brand(b["brand"]) + self.price(b["price_range"]) + self.vertical(b["vertical"])
            x = torch.cat([x, attrs, b["text"], self.image(b["image"])], dim=-1)  # (B, d_in)
        return F.normalize(self.head(x), dim=-1)  # (B, out_dim)


class UserTower(nn.Module):
    def __init__(self, cfg: ModelConfig, item_id_emb: nn.Embedding):
        super().__init__()
        self.cfg = cfg
        # History items reuse the product tower's id table (SimpleX): a user is partly "the mean of
        # what they touched", so users with the same past land close without their own id being learned.
        self.item_id_emb = item_id_emb
        id_dim = cfg.out_dim if cfg.id_only else cfg.user_id_dim
        self.id_emb = nn.Embedding(cfg.n_users, id_dim)
        nn.init.normal_(self.id_emb.weight, std=0.1)
        hist_in = item_id_emb.embedding_dim
        self.hist_proj = nn.Linear(hist_in, id_dim, bias=False)
        if hist_in == id_dim:
            nn.init.eye_(self.hist_proj.weight)  # start as a plain mean of item embeddings
        if cfg.id_only:
            self.head = mlp(id_dim, cfg.hidden, cfg.out_dim, cfg.dropout)
            return
        self.age = nn.Embedding(cfg.n_age_groups, cfg.demo_dim)
        self.gender = nn.Embedding(cfg.n_genders, cfg.demo_dim)
        self.city = nn.Embedding(cfg.n_cities, cfg.demo_dim)
        self.pref_cat = nn.Embedding(cfg.n_categories, cfg.pref_dim)
        self.pref_brand = nn.Embedding(cfg.n_brands, cfg.pref_dim)
        self.visual = nn.Linear(cfg.image_dim, cfg.visual_dim)
        self.session_in = nn.Linear(hist_in, cfg.session_dim)
        self.session_attn = SessionAttention(cfg.session_dim)
        d_in = id_dim + cfg.demo_dim + cfg.pref_dim + cfg.text_dim + cfg.visual_dim + cfg.session_dim
        self.head = mlp(d_in, cfg.hidden, cfg.out_dim, cfg.dropout)

    def forward(self, b: dict[str, torch.Tensor]) -> torch.Tensor:
        hist = masked_mean(self.item_id_emb(b["hist_ids"]), b["hist_mask"]) if self.cfg.use_history else None
        return self.encode(b, hist)

    def encode(self, b: dict[str, torch.Tensor], hist: torch.Tensor | None) -> torch.Tensor:
        """hist (B, hist_in): mean of the history item embeddings, computed by forward from padded ids,
        or by the caller with one sparse matmul (normalised history rows @ item table) when training
        on a whole interaction matrix, which is far cheaper than padding 800-item histories."""
        cfg = self.cfg
        x = self.id_emb(b["user_id"])  # (B, id_dim)
        if cfg.use_history and hist is not None:
            x = (1 - cfg.history_gate) * x + cfg.history_gate * self.hist_proj(hist)  # (B, id_dim)
        if not cfg.id_only:
            demo = self.age(b["age_group"]) + self.gender(b["gender"]) + self.city(b["city"])  # (B, demo_dim)
            pref = masked_mean(self.pref_cat(b["pref_cats"]), b["pref_cats_mask"]) + masked_mean(
                self.pref_brand(b["pref_brands"]), b["pref_brands_mask"]
            )  # (B, pref_dim)
            sess = self.session_attn(self.session_in(self.item_id_emb(b["session_ids"])), b["session_mask"])  # (B, session_dim)
            x = torch.cat([x, demo, pref, b["query_text"], self.visual(b["visual_pref"]), sess], dim=-1)
        return F.normalize(self.head(x), dim=-1)  # (B, out_dim)


class TwoTower(nn.Module):
    """forward(user_batch, item_batch) -> (user_emb (B, D), item_emb (N, D)); the loss lives in losses.py."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.item_tower = ItemTower(cfg)
        self.user_tower = UserTower(cfg, self.item_tower.id_emb)

    def forward(self, user_batch: dict[str, torch.Tensor], item_batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        return self.user_tower(user_batch), self.item_tower(item_batch)
