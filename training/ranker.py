"""Stage 2 of serving: a LightGBM LambdaRank re-ranker over the towers' candidates, exported to ONNX.

    training/.venv/bin/python -m training.ranker --snapshot S --run R --export E
    training/.venv/bin/python -m training.ranker --fixture subgraphs/recommendations/test/fixtures/rank-features.json

`train_ranker(snapshot_dir, run_dir, export_dir)` learns from logged impression lists: every list of
products shown to a user (IMPRESSION events of one user, one session, less than LIST_GAP_MS apart) is
a query, made at the instant t of its first impression; each shown product is labelled by what the
user then did with it (LABEL_GRADES: 0 nothing, 1 view/save/review, 2 click, 3 add to cart,
4 purchase; within LABEL_WINDOW_MS and before the user's next list). Only lists of two products or
more with at least one positive label are kept. Features of a list use only events strictly before t
(history, popularity, the user tower's inputs). The split is the towers' own (data.time_split): the
ranker trains on lists before the test start (labels cut there) and is judged on the lists of the
test period, where the towers (trained before the validation start) are out of sample. The report
compares NDCG@10 of the held-out lists in retrieval order (tower score), in the logged order, and in
the ranker's order.

Features, in this order (RANK_FEATURES), computed by `rank_features` here and by `rankFeatures` in
subgraphs/recommendations/src/pipeline/rank-features.ts (a JSON fixture written by `--fixture`
proves they agree within 1e-5). "History" is the user's last <= 200 interactions of a positive type
(data.POSITIVE_TYPES) before t, counted as events (a product viewed twice counts twice), each with
its product's current category / brand / price / price_range:

    tower_score       cosine of the user tower (inputs as of t) and the item tower embeddings
    cat_affinity      share of the history whose product has the candidate's category (0 without history)
    brand_affinity    same for the brand; 0 when the candidate has no brand
    price_ratio       log((price + 1) / (mean price of the history's products + 1)); 0 without history
    popularity        log1p(score * 2^(-(t - POPULARITY_EPOCH) / half_life)), score = product_popularity.score
                      (sum over the product's events of weight * 2^((t_e - epoch) / half_life), weights
                      INTERACTION_WEIGHTS of packages/domain): the time-decayed popularity at t; 0 when no row
    recency           log1p(max(0, days from the product's created_at to t))
    repeat            log1p(number of PURCHASE events of this product in the history)
    hour_sin/cos      sin / cos(2 pi h / 24), h = t's UTC hour (integer 0..23)
    device_mobile     1 if the request's device, lower-cased, is ios or android, else 0 (also when unknown)
    fav_category      1 if the candidate's category is in users.favourite_categories, else 0
    fav_brand         1 if the candidate's brand (not null) is in users.favourite_brands, else 0
    price_range_diff  price_range - mean price_range of the history's products; 0 without history

The model is converted with onnxmltools: input `features` float32 [batch, 13], output `score` float32
[batch, 1] (higher is better; only the order within one list matters). The conversion is refused
unless ONNX Runtime matches LightGBM within PARITY_TOL on all but a few rows the ranker saw (see
onnx_parity: float32 split thresholds).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from training.data import POSITIVE_TYPES, Snapshot, load_snapshot, time_split
from training.features import (
    QUERY_LAST, TEXT_DIM, VISUAL_LAST, TextEmbedder, _pad, build_item_features, build_user_features, build_vocabs,
)

RANK_FEATURES = (
    "tower_score", "cat_affinity", "brand_affinity", "price_ratio", "popularity", "recency", "repeat",
    "hour_sin", "hour_cos", "device_mobile", "fav_category", "fav_brand", "price_range_diff",
)
HISTORY_MAX = 200
MOBILE_DEVICES = ("ios", "android")
POPULARITY_EPOCH = "2025-01-01T00:00:00Z"  # packages/domain/src/popularity.ts
POPULARITY_HALF_LIFE_DAYS = 14.0  # POPULARITY_HALF_LIFE_DAYS default in packages/config
# packages/domain/src/vocabulary.ts INTERACTION_WEIGHTS (SEARCH and IMPRESSION weigh 0).
INTERACTION_WEIGHTS = {"VIEW": 1.0, "CLICK": 2.0, "ADD_TO_CART": 5.0, "PURCHASE": 10.0, "SAVE": 3.0, "REVIEW": 3.0}
# Relevance of a shown product: the furthest step the user took with it after seeing the list.
LABEL_GRADES = {"VIEW": 1, "SAVE": 1, "REVIEW": 1, "CLICK": 2, "ADD_TO_CART": 3, "PURCHASE": 4}
LABEL_WINDOW_MS = 3_600_000  # what the user did within an hour of the list (and before their next list)
LIST_GAP_MS = 60_000  # impressions further apart than this (or in another session) are separate lists
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
PARITY_TOL = 1e-4
# float32 thresholds in ONNX vs float64 in LightGBM (see onnx_parity): a few rows may take the other
# branch of one split; more than this, or a larger jump, means the export is wrong.
PARITY_MAX_SHARE = 0.005
PARITY_MAX_DIFF = 0.05
ONNX_INPUT = "features"
ONNX_OUTPUT = "score"
ONNX_OPSET = 15  # the newest default-domain opset onnxmltools 1.16 converts LightGBM to
NDCG_K = 10
LGB_PARAMS = {
    "objective": "lambdarank", "metric": "ndcg", "ndcg_eval_at": [NDCG_K], "learning_rate": 0.05,
    "num_leaves": 7, "min_data_in_leaf": 50, "lambdarank_truncation_level": 20, "feature_fraction": 1.0,
    "deterministic": True, "force_row_wise": True, "verbose": -1,
}
MAX_ROUNDS = 400
MIN_LISTS = 20


class ParityError(RuntimeError):
    pass


class NotEnoughLists(ValueError):
    """Fewer than MIN_LISTS usable impression lists before or after the test start: no ranker."""


def _to_ms(ts) -> int:
    return int(pd.Timestamp(ts).as_unit("ns").value // 1_000_000)


def _series_ms(s: pd.Series) -> np.ndarray:
    return (pd.to_datetime(s, utc=True).dt.as_unit("ns").astype("int64") // 1_000_000).to_numpy()


EPOCH_MS = _to_ms(POPULARITY_EPOCH)


# ---------------------------------------------------------------- the feature definition (mirrors TS)

class History:
    """What the features need from a user's history window (already filtered to positive types and
    cut to the last HISTORY_MAX events, in time order) and stated favourites (users table)."""

    __slots__ = ("n", "cats", "brands", "mean_price", "mean_price_range", "purchases", "fav_cats", "fav_brands")

    def __init__(self, cats: Sequence[str], brands: Sequence[str | None], prices: Sequence[float], price_ranges: Sequence[float],
                 types: Sequence[str], product_ids: Sequence[str], fav_cats: Sequence[str] = (), fav_brands: Sequence[str] = ()):
        self.n = len(cats)
        self.cats = Counter(cats)
        self.brands = Counter(b for b in brands if b is not None)
        self.mean_price = float(sum(float(p) for p in prices) / self.n) if self.n else 0.0
        self.mean_price_range = float(sum(float(p) for p in price_ranges) / self.n) if self.n else 0.0
        self.purchases = Counter(pid for pid, t in zip(product_ids, types) if t == "PURCHASE")
        self.fav_cats, self.fav_brands = set(fav_cats), set(fav_brands)


def candidate_rows(hist: History, cands: dict[str, Sequence], time_ms: int, device: str | None,
                   half_life_days: float = POPULARITY_HALF_LIFE_DAYS) -> np.ndarray:
    """(n_candidates, len(RANK_FEATURES)) float32, each value computed in float64 then rounded.
    cands: equal-length columns productId, towerScore, category, brand, price, priceRange, popularity,
    createdMs."""
    n = len(cands["productId"])
    out = np.zeros((n, len(RANK_FEATURES)), dtype=np.float32)
    decay = 2.0 ** (-(time_ms - EPOCH_MS) / (half_life_days * DAY_MS))
    hour = (time_ms // HOUR_MS) % 24
    hour_sin, hour_cos = math.sin(2 * math.pi * hour / 24), math.cos(2 * math.pi * hour / 24)
    mobile = 1.0 if device is not None and device.lower() in MOBILE_DEVICES else 0.0
    for j in range(n):
        cat, brand, price = cands["category"][j], cands["brand"][j], float(cands["price"][j])
        if hist.n:
            cat_aff = hist.cats.get(cat, 0) / hist.n
            brand_aff = hist.brands.get(brand, 0) / hist.n if brand is not None else 0.0
            price_ratio = math.log((price + 1.0) / (hist.mean_price + 1.0))
            range_diff = float(cands["priceRange"][j]) - hist.mean_price_range
        else:
            cat_aff = brand_aff = price_ratio = range_diff = 0.0
        pop = math.log1p(max(0.0, float(cands["popularity"][j]) * decay))
        recency = math.log1p(max(0.0, (time_ms - int(cands["createdMs"][j])) / DAY_MS))
        repeat = math.log1p(hist.purchases.get(cands["productId"][j], 0))
        fav_cat = 1.0 if cat in hist.fav_cats else 0.0
        fav_brand = 1.0 if brand is not None and brand in hist.fav_brands else 0.0
        out[j] = (float(cands["towerScore"][j]), cat_aff, brand_aff, price_ratio, pop, recency, repeat, hour_sin, hour_cos, mobile,
                  fav_cat, fav_brand, range_diff)
    return out


def rank_features(user: dict, candidates: list[dict], ctx: dict) -> np.ndarray:
    """The reference definition, shaped like the TypeScript `rankFeatures(user, candidates, ctx)`:
    user = {"history": [{productId, category, brand, price, priceRange, type}, ...] oldest first,
    "favouriteCategories": [...], "favouriteBrands": [...]}; candidates = [{productId, towerScore,
    category, brand, price, priceRange, popularity (product_popularity.score), createdAt}]; ctx =
    {"time", "device", optional "popularityHalfLifeDays"}; times are ISO strings or Timestamps."""
    window = [h for h in user["history"] if h["type"] in POSITIVE_TYPES and h.get("productId") is not None][-HISTORY_MAX:]
    col = lambda rows, k: [r.get(k) for r in rows]  # noqa: E731
    hist = History(col(window, "category"), col(window, "brand"), col(window, "price"), col(window, "priceRange"),
                   col(window, "type"), col(window, "productId"), user.get("favouriteCategories") or (), user.get("favouriteBrands") or ())
    cands = {k: col(candidates, k) for k in ("productId", "towerScore", "category", "brand", "price", "priceRange", "popularity")}
    cands["createdMs"] = [_to_ms(c["createdAt"]) for c in candidates]
    return candidate_rows(hist, cands, _to_ms(ctx["time"]), ctx.get("device"),
                          float(ctx.get("popularityHalfLifeDays") or POPULARITY_HALF_LIFE_DAYS))


# ---------------------------------------------------------------- impression lists from a snapshot

def impression_lists(inter: pd.DataFrame) -> pd.DataFrame:
    """One row per shown (list, product): list_id, user_id, t (ms, the list's first impression),
    product_id, position, device. Duplicate products within a list keep their first position."""
    imp = inter[(inter["type"] == "IMPRESSION") & inter["product_id"].notna()].copy()
    imp["ms"] = _series_ms(imp["occurred_at"])
    imp = imp.sort_values(["user_id", "ms"], kind="stable")
    sess = imp["session_id"] if "session_id" in imp else pd.Series(None, index=imp.index)
    new = (
        (imp["user_id"] != imp["user_id"].shift())
        | (imp["ms"] - imp["ms"].shift() > LIST_GAP_MS)
        | (sess.fillna("") != sess.shift().fillna(""))
    )
    imp["list_id"] = np.cumsum(new.to_numpy()) - 1
    imp["t"] = imp.groupby("list_id")["ms"].transform("min")
    imp = imp.drop_duplicates(["list_id", "product_id"], keep="first")
    imp["position"] = imp.groupby("list_id").cumcount()
    # The request's device: the first impression's (snapshots without the column give None).
    imp["device"] = imp.groupby("list_id")["device"].transform("first") if "device" in imp else None
    return imp[["list_id", "user_id", "t", "product_id", "position", "device"]].reset_index(drop=True)


def label_lists(rows: pd.DataFrame, inter: pd.DataFrame, cap_ms: int | None = None) -> np.ndarray:
    """Graded relevance per row: the highest LABEL_GRADES of the user's events on that product in
    [t, min(t + LABEL_WINDOW_MS, the user's next list, cap_ms))."""
    lists = rows.drop_duplicates("list_id")[["list_id", "user_id", "t"]].sort_values(["user_id", "t"])
    nxt = lists.groupby("user_id")["t"].shift(-1).fillna(np.iinfo(np.int64).max).astype(np.int64)
    end = np.minimum(lists["t"].to_numpy() + LABEL_WINDOW_MS, nxt.to_numpy())
    if cap_ms is not None:
        end = np.minimum(end, cap_ms)
    lists = lists.assign(end=end)
    ev = inter[inter["type"].isin(list(LABEL_GRADES)) & inter["product_id"].notna()]
    ev = pd.DataFrame({"user_id": ev["user_id"].to_numpy(), "product_id": ev["product_id"].to_numpy(),
                       "ms": _series_ms(ev["occurred_at"]), "grade": ev["type"].map(LABEL_GRADES).to_numpy()})
    m = rows[["list_id", "product_id"]].reset_index().merge(lists[["list_id", "user_id", "t", "end"]], on="list_id")
    m = m.merge(ev, on=["user_id", "product_id"], how="inner")
    m = m[(m["ms"] >= m["t"]) & (m["ms"] < m["end"])]
    best = m.groupby("index")["grade"].max()
    labels = np.zeros(len(rows), dtype=np.int32)
    labels[best.index.to_numpy()] = best.to_numpy()
    return labels


def popularity_scores(inter: pd.DataFrame, product_ids: np.ndarray, at_ms: np.ndarray, half_life_days: float) -> np.ndarray:
    """product_popularity.score of each product as it stood at each instant: the sum over the
    product's events strictly before it of weight * 2^((t_e - epoch) / half_life), as the database
    accumulates it."""
    ev = inter[inter["product_id"].notna()]
    w = ev["type"].map(INTERACTION_WEIGHTS).fillna(0.0).to_numpy()
    ev = pd.DataFrame({"p": ev["product_id"].to_numpy(), "ms": _series_ms(ev["occurred_at"]), "w": w})
    ev = ev[ev["w"] > 0].sort_values(["p", "ms"], kind="stable")
    ev["term"] = ev["w"] * np.exp2((ev["ms"] - EPOCH_MS) / (half_life_days * DAY_MS))
    ev["cum"] = ev.groupby("p")["term"].cumsum()
    out = np.zeros(len(product_ids), dtype=np.float64)
    q = pd.DataFrame({"p": product_ids, "ms": at_ms, "row": np.arange(len(product_ids))})
    segs = {p: (g["ms"].to_numpy(), g["cum"].to_numpy()) for p, g in ev.groupby("p", sort=False)}
    for p, grp in q.groupby("p", sort=False):
        if p not in segs:
            continue
        ms, cum = segs[p]
        k = np.searchsorted(ms, grp["ms"].to_numpy(), side="left")
        vals = np.where(k > 0, cum[np.maximum(k - 1, 0)], 0.0)
        out[grp["row"].to_numpy()] = vals
    return out


# ---------------------------------------------------------------- tower scores as of each list

@torch.no_grad()
def _item_embeddings(model, item_feats: dict[str, torch.Tensor], batch: int = 4096) -> torch.Tensor:
    n = item_feats["item_id"].shape[0]
    return torch.cat([model.item_tower({k: t[s : s + batch] for k, t in item_feats.items()}) for s in range(0, n, batch)])


@torch.no_grad()
def tower_scores(
    model, snap: Snapshot, vocabs, item_feats: dict[str, torch.Tensor], user_static: dict[str, torch.Tensor],
    lists: pd.DataFrame, rows: pd.DataFrame, embed_text: TextEmbedder, batch: int = 1024,
) -> np.ndarray:
    """Cosine of user and item tower per row. The user tower reads the user's inputs as of the list's
    instant t: history / session / visual preference from positives strictly before t, query text from
    the last QUERY_LAST searches before t (as features.build_user_features builds them for one instant), the
    rest (demographics, stated preferences, id) from the snapshot."""
    cfg = model.cfg
    inter = snap.interactions
    pos = inter[inter["type"].isin(POSITIVE_TYPES) & inter["product_id"].notna()]
    pos_u = vocabs.users.encode(pos["user_id"])
    pos_i = vocabs.items.encode(pos["product_id"])
    pos_ms = _series_ms(pos["occurred_at"])
    by_user: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    order = np.lexsort((pos_ms, pos_u))  # stable within a user by time, as the snapshot's (occurred_at, id)
    for u, idx in pd.Series(order).groupby(pos_u[order]):
        by_user[int(u)] = (pos_ms[idx.to_numpy()], pos_i[idx.to_numpy()])
    searches = inter[(inter["type"] == "SEARCH") & inter["query"].notna()]
    s_by_user: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if len(searches):
        uniq = sorted(set(searches["query"]))
        vecs = embed_text(uniq)
        qidx = {q: i for i, q in enumerate(uniq)}
        s_u = vocabs.users.encode(searches["user_id"])
        s_ms = _series_ms(searches["occurred_at"])
        s_q = np.array([qidx[q] for q in searches["query"]])
        order = np.lexsort((s_ms, s_u))
        for u, idx in pd.Series(order).groupby(s_u[order]):
            ii = idx.to_numpy()
            s_by_user[int(u)] = (s_ms[ii], vecs[s_q[ii]])
    image = item_feats["image"].numpy()
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    u_idx = vocabs.users.encode(lists["user_id"])
    hist_lists, sess_lists, visual, query = [], [], np.zeros((len(lists), image.shape[1]), np.float32), np.zeros((len(lists), TEXT_DIM), np.float32)
    for r, (u, t) in enumerate(zip(u_idx, lists["t"].to_numpy())):
        ms, items = by_user.get(int(u), empty)
        k = int(np.searchsorted(ms, t, side="left"))
        h = items[max(0, k - cfg.history_max) : k].tolist()
        hist_lists.append(h)
        sess_lists.append(h[-cfg.session_len :])
        if h:
            visual[r] = image[h[-VISUAL_LAST:]].mean(0)
        if int(u) in s_by_user:
            sms, svec = s_by_user[int(u)]
            k = int(np.searchsorted(sms, t, side="left"))
            if k:
                query[r] = svec[max(0, k - QUERY_LAST) : k].mean(0)
    hist_ids, hist_mask = _pad(hist_lists, cfg.history_max)
    sess_ids, sess_mask = _pad(sess_lists, cfg.session_len)
    users = {k: v[torch.from_numpy(u_idx)] for k, v in user_static.items()}
    users.update(hist_ids=hist_ids, hist_mask=hist_mask, session_ids=sess_ids, session_mask=sess_mask,
                 visual_pref=torch.from_numpy(visual), query_text=torch.from_numpy(query))
    u_emb = torch.cat([model.user_tower({k: v[s : s + batch] for k, v in users.items()}) for s in range(0, len(lists), batch)])
    i_emb = _item_embeddings(model, item_feats)
    li = rows["list_id"].map(pd.Series(np.arange(len(lists)), index=lists["list_id"].to_numpy())).to_numpy(np.int64, copy=True)
    ii = torch.from_numpy(vocabs.items.encode(rows["product_id"]))
    return (u_emb[torch.from_numpy(li)] * i_emb[ii]).sum(-1).numpy().astype(np.float64)


# ---------------------------------------------------------------- the data set

def build_dataset(
    snap: Snapshot, rows: pd.DataFrame, tower: np.ndarray, half_life_days: float = POPULARITY_HALF_LIFE_DAYS,
) -> np.ndarray:
    """(len(rows), n_features) float32 through `candidate_rows`, the same code the fixture checks."""
    inter = snap.interactions
    prod = snap.products.set_index("id")
    created_col = "created_at" if "created_at" in prod else "updated_at"  # older snapshots lack created_at
    created = dict(zip(prod.index, _series_ms(prod[created_col])))
    cat, brand, price = prod["category"].to_dict(), prod["brand"].to_dict(), prod["price"].astype(float).to_dict()
    brand = {k: (None if v is None or v != v else v) for k, v in brand.items()}
    prange = prod["price_range"].astype(float).to_dict()
    users = snap.users.set_index("id")
    fav_cats = {u: list(v) if v is not None else [] for u, v in users["favourite_categories"].items()}
    fav_brands = {u: list(v) if v is not None else [] for u, v in users["favourite_brands"].items()}
    pop = popularity_scores(inter, rows["product_id"].to_numpy(), rows["t"].to_numpy(), half_life_days)

    pos = inter[inter["type"].isin(POSITIVE_TYPES) & inter["product_id"].notna()]
    hist_by_user = {u: (_series_ms(g["occurred_at"]), g["product_id"].to_numpy(), g["type"].to_numpy())
                    for u, g in pos.sort_values("occurred_at", kind="stable").groupby("user_id", sort=False)}
    X = np.zeros((len(rows), len(RANK_FEATURES)), dtype=np.float32)
    empty = (np.zeros(0, np.int64), np.zeros(0, object), np.zeros(0, object))
    for (lid, user, t, device), grp in rows.groupby(["list_id", "user_id", "t", rows["device"].fillna("")], sort=False):
        ms, pids, types = hist_by_user.get(user, empty)
        k = int(np.searchsorted(ms, t, side="left"))
        wp, wt = pids[max(0, k - HISTORY_MAX) : k], types[max(0, k - HISTORY_MAX) : k]
        hist = History([cat[p] for p in wp], [brand[p] for p in wp], [price[p] for p in wp], [prange[p] for p in wp], wt, wp,
                       fav_cats.get(user, []), fav_brands.get(user, []))
        idx = grp.index.to_numpy()
        cp = grp["product_id"].tolist()
        cands = {"productId": cp, "towerScore": tower[idx], "category": [cat[p] for p in cp], "brand": [brand[p] for p in cp],
                 "price": [price[p] for p in cp], "priceRange": [prange[p] for p in cp], "popularity": pop[idx],
                 "createdMs": [created[p] for p in cp]}
        X[idx] = candidate_rows(hist, cands, int(t), device or None, half_life_days)
    return X


def ndcg_at(labels: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int = NDCG_K) -> float:
    """Mean NDCG@k over lists (rows of one list contiguous, sizes in `groups`), gain 2^rel - 1,
    discount 1/log2(rank + 1), ties broken by the rows' order (the logged order)."""
    out, s = [], 0
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    for n in groups:
        lab, sc = labels[s : s + n], scores[s : s + n]
        s += n
        gains = 2.0 ** lab - 1
        ideal = np.sort(gains)[::-1][:k]
        idcg = (ideal * disc[: len(ideal)]).sum()
        if idcg <= 0:
            continue
        top = np.argsort(-sc, kind="stable")[:k]
        out.append((gains[top] * disc[: len(top)]).sum() / idcg)
    return float(np.mean(out)) if out else 0.0


# ---------------------------------------------------------------- training, export, reports

def _fit(X: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int, num_threads: int):
    """LambdaRank with the number of rounds picked by early stopping on the last 20% of the training
    lists (by time), then refit on all of them. A few thousand lists of ten features train in well
    under a second on one thread; more OpenMP threads only spin against the machine's other work."""
    import lightgbm as lgb

    params = {**LGB_PARAMS, "seed": seed, "num_threads": num_threads}
    n_val = max(1, len(groups) // 5) if len(groups) >= 10 else 0
    rounds = 100
    if n_val:
        cut = int(groups[:-n_val].sum())
        dtr = lgb.Dataset(X[:cut], y[:cut], group=groups[:-n_val])
        dva = lgb.Dataset(X[cut:], y[cut:], group=groups[-n_val:], reference=dtr)
        b = lgb.train(params, dtr, MAX_ROUNDS, valid_sets=[dva], callbacks=[lgb.early_stopping(30, verbose=False)])
        rounds = max(20, int(b.best_iteration or MAX_ROUNDS))
    booster = lgb.train(params, lgb.Dataset(X, y, group=groups), rounds)
    return booster, rounds


def to_onnx(booster, n_features: int):
    import onnxmltools
    from onnxmltools.convert.common.data_types import FloatTensorType

    onx = onnxmltools.convert_lightgbm(booster, initial_types=[(ONNX_INPUT, FloatTensorType([None, n_features]))],
                                       target_opset=ONNX_OPSET, zipmap=False)
    old = onx.graph.output[0].name  # onnxmltools calls it "variable"
    for node in onx.graph.node:
        node.output[:] = [ONNX_OUTPUT if o == old else o for o in node.output]
    onx.graph.output[0].name = ONNX_OUTPUT
    return onx


def onnx_parity(path: Path, booster, X: np.ndarray) -> tuple[float, float]:
    """(max abs diff, share of rows differing by more than PARITY_TOL) between ONNX Runtime and
    LightGBM, both fed the float32 features serving sends.

    ONNX's tree ensemble stores split thresholds as float32 where LightGBM keeps float64, so a
    feature value lying exactly between the two roundings takes the other branch in one tree: that
    row's score moves by one leaf value (~1e-3). That is rare; anything more is a broken export."""
    import onnxruntime as ort

    if not len(X):
        return 0.0, 0.0
    x32 = X.astype(np.float32)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = sess.run([ONNX_OUTPUT], {ONNX_INPUT: x32})[0].reshape(-1)
    want = booster.predict(x32.astype(np.float64), raw_score=True)
    diff = np.abs(got - want)
    return float(diff.max()), float((diff > PARITY_TOL).mean())


def _report_section(r: dict) -> str:
    m = r["metrics"]
    imp = ", ".join(f"{k} {v:.0f}" for k, v in sorted(r["feature_importance_gain"].items(), key=lambda kv: -kv[1]))
    return "\n".join([
        "## Re-ranker", "",
        f"LightGBM LambdaRank over logged impression lists ({m['n_lists_train']} training lists from "
        f"{r['data']['train_from']}, {m['n_lists_test']} held-out lists from {r['data']['test_from']}), "
        f"{r['lightgbm']['rounds']} trees; `{r['file']}` input `{r['input']}` {r['input_shape']}, output `{r['output']}` {r['output_shape']}.",
        "", "| order of the held-out lists | NDCG@10 |", "|---|---|",
        f"| retrieval (tower score) | {m['ndcg@10_retrieval_order']:.4f} |",
        f"| as logged | {m['ndcg@10_logged_order']:.4f} |",
        f"| re-ranker | {m['ndcg@10_ranker']:.4f} |", "",
        f"Gain over retrieval order: **{m['gain']:+.4f}**. Feature importance (total gain): {imp}.",
    ]) + "\n"


def _append_report(run_dir: Path, result: dict) -> None:
    from training.evaluate import put_section

    put_section(run_dir / "report", "ranker", result, _report_section(result))


def train_ranker(
    snapshot_dir: str, run_dir: str, export_dir: str, *, embed_text: TextEmbedder | None = None, train_from: str = "all",
    half_life_days: float = POPULARITY_HALF_LIFE_DAYS, seed: int = 0, num_threads: int = 2, lgb_threads: int = 1,
) -> dict:
    """Train, evaluate, export ranker.onnx + ranker.json into export_dir (and a "ranker" key into its
    metadata.json), and the report into run_dir/report. Returns the ranker.json dict.

    train_from: "all" (default) trains on every list before the test period; "val" only on lists of
    the validation period, where the towers' scores are out of sample as they are on the test period
    (on the demo data "all" measured better: ten times the lists outweigh the towers' optimism there).
    num_threads: torch threads (tower scores); lgb_threads: LightGBM's (1 is fastest at this size)."""
    from training.train import load_best

    t_start = time.time()
    run, out = Path(run_dir), Path(export_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(num_threads)
    embed_text = embed_text or TextEmbedder()
    snap = load_snapshot(snapshot_dir)
    split = time_split(snap.interactions)  # the split the towers were trained on (train.prepare)
    val_ms, test_ms = _to_ms(split.val_start), _to_ms(split.test_start)

    rows = impression_lists(snap.interactions)
    start_ms = val_ms if train_from == "val" else -(2**62)
    rows = rows[rows["t"] >= start_ms].reset_index(drop=True)
    is_test = rows["t"].to_numpy() >= test_ms
    labels = np.where(is_test, label_lists(rows, snap.interactions), label_lists(rows, snap.interactions, cap_ms=test_ms))
    # Lists that can teach or measure an order: two products or more, at least one with a positive label.
    g = pd.DataFrame({"list_id": rows["list_id"], "y": labels}).groupby("list_id")["y"].agg(["size", "max"])
    keep = g.index[(g["size"] >= 2) & (g["max"] > 0)]
    mask = rows["list_id"].isin(keep).to_numpy()
    rows, labels, is_test = rows[mask].reset_index(drop=True), labels[mask], is_test[mask]
    order = np.lexsort((rows["position"].to_numpy(), rows["list_id"].to_numpy(), rows["t"].to_numpy()))
    rows, labels, is_test = rows.iloc[order].reset_index(drop=True), labels[order], is_test[order]
    n_train_lists, n_test_lists = rows.loc[~is_test, "list_id"].nunique(), rows.loc[is_test, "list_id"].nunique()
    if n_train_lists < MIN_LISTS or n_test_lists < MIN_LISTS:
        raise NotEnoughLists(f"too few usable impression lists ({n_train_lists} train, {n_test_lists} test; need {MIN_LISTS} each)")

    vocabs = build_vocabs(snap)
    model = load_best(run).eval()
    if model.cfg.n_items != len(vocabs.items) or model.cfg.n_users != len(vocabs.users):
        raise ValueError(f"checkpoint in {run} was trained on another snapshot (vocabulary sizes differ)")
    item_feats = build_item_features(snap, vocabs, embed_text)
    user_static, _ = build_user_features(snap, vocabs, item_feats, split.train, split.val_start, embed_text)
    lists = rows.drop_duplicates("list_id")[["list_id", "user_id", "t"]].reset_index(drop=True)
    tower = tower_scores(model, snap, vocabs, item_feats, user_static, lists, rows, embed_text)
    X = build_dataset(snap, rows, tower, half_life_days)
    groups_of = lambda m: rows.loc[m, "list_id"].value_counts(sort=False).reindex(pd.unique(rows.loc[m, "list_id"])).to_numpy()
    g_tr, g_te = groups_of(~is_test), groups_of(is_test)
    booster, rounds = _fit(X[~is_test], labels[~is_test], g_tr, seed, lgb_threads)
    run.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(run / "ranker_lightgbm.txt"))  # the LightGBM original, for inspection and parity checks

    Xte, yte = X[is_test], labels[is_test]
    pred = booster.predict(Xte.astype(np.float64), raw_score=True)
    metrics = {
        "ndcg@10_retrieval_order": ndcg_at(yte, Xte[:, 0].astype(np.float64), g_te),
        "ndcg@10_ranker": ndcg_at(yte, pred, g_te),
        "ndcg@10_logged_order": ndcg_at(yte, -rows.loc[is_test, "position"].to_numpy(np.float64), g_te),
    }
    metrics["gain"] = metrics["ndcg@10_ranker"] - metrics["ndcg@10_retrieval_order"]
    metrics.update(n_lists_train=int(n_train_lists), n_lists_test=int(n_test_lists), n_rows_train=int((~is_test).sum()),
                   n_rows_test=int(is_test.sum()))

    onx = to_onnx(booster, len(RANK_FEATURES))
    path = out / "ranker.onnx"
    path.write_bytes(onx.SerializeToString())
    diff, share = onnx_parity(path, booster, X)
    if not (share <= PARITY_MAX_SHARE and diff <= PARITY_MAX_DIFF):
        path.unlink()
        raise ParityError(f"ranker: ONNX Runtime vs LightGBM: {share:.3%} of rows differ by more than {PARITY_TOL:.0e} "
                          f"(allowed {PARITY_MAX_SHARE:.1%}), max abs diff {diff:.2e} (allowed {PARITY_MAX_DIFF:.0e})")
    import lightgbm

    result = {
        "features": list(RANK_FEATURES),
        "input": ONNX_INPUT, "input_shape": ["batch", len(RANK_FEATURES)], "input_dtype": "float32",
        "output": ONNX_OUTPUT, "output_shape": ["batch", 1], "output_dtype": "float32",
        "file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "opset": ONNX_OPSET,
        "parity_max_abs_diff": diff, "parity_rows_over_tol": share,
        "metrics": metrics,
        "feature_spec": "training/ranker.py docstring; subgraphs/recommendations/src/pipeline/rank-features.ts",
        "history_max": HISTORY_MAX, "popularity_half_life_days": half_life_days, "popularity_epoch": POPULARITY_EPOCH,
        "label_grades": LABEL_GRADES,
        "data": {"train_from": pd.Timestamp(rows.loc[~is_test, "t"].min(), unit="ms", tz="UTC").isoformat(),
                 "test_from": split.test_start.isoformat(), "lists_from": train_from},
        "lightgbm": {"version": lightgbm.__version__, "rounds": rounds, "params": {k: v for k, v in LGB_PARAMS.items()}},
        "feature_importance_gain": dict(zip(RANK_FEATURES, map(float, booster.feature_importance("gain")))),
        "train_seconds": round(time.time() - t_start, 1),
    }
    (out / "ranker.json").write_text(json.dumps(result, indent=2))
    meta_path = out / "metadata.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        meta["ranker"] = result
        meta_path.write_text(json.dumps(meta, indent=2, default=str))
    _append_report(run, result)
    return result


# ---------------------------------------------------------------- TypeScript parity fixture

def fixture_cases(seed: int = 7) -> list[dict]:
    """Inputs for the TS parity test: empty and short histories, a history longer than HISTORY_MAX
    with repeat purchases on both sides of the window edge, non-positive events to be skipped, null
    brands, products created after the request, no popularity row, mobile / web / unknown devices."""
    rng = np.random.default_rng(seed)
    cats, brands = ["dairy", "bakery", "coffee", "shawarma", "fruit"], ["almarai", "nestle", "baraka", None]
    products = [{"productId": f"p{i}", "category": cats[i % 5], "brand": brands[i % 4], "price": round(float(rng.uniform(1, 120)), 2),
                 "priceRange": int(rng.integers(1, 5))} for i in range(40)]
    types = ["VIEW", "CLICK", "ADD_TO_CART", "PURCHASE", "SAVE", "REVIEW", "IMPRESSION"]

    def history(n: int) -> list[dict]:
        return [{**products[int(rng.integers(0, 40))], "type": types[int(rng.integers(0, len(types)))]} for _ in range(n)]

    def candidates(n: int, t: pd.Timestamp) -> list[dict]:
        out = []
        for i in rng.choice(40, n, replace=False):
            days = float(rng.uniform(-3, 400))
            created = (t - pd.Timedelta(milliseconds=int(days * DAY_MS))).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            pop = 0.0 if rng.random() < 0.2 else float(rng.uniform(0, 60)) * 2.0 ** ((_to_ms(t) - EPOCH_MS) / (14 * DAY_MS))
            out.append({**products[int(i)], "towerScore": float(rng.uniform(-1, 1)), "popularity": pop, "createdAt": created})
        return out

    long_hist = history(260)
    long_hist[5] = {**products[3], "type": "PURCHASE"}  # outside the 200 window: not counted
    long_hist[100] = {**products[3], "type": "PURCHASE"}
    long_hist[250] = {**products[3], "type": "PURCHASE"}
    specs = [
        ("no history", [], "2026-11-20T09:15:00.000Z", "web"),
        ("short history", history(12), "2026-11-21T18:45:30.250Z", "ios"),
        ("long history", long_hist, "2026-11-22T00:05:00.000Z", "Android"),
        ("unknown device", history(40), "2026-10-01T23:59:59.999Z", None),
        ("only non-positive events", [{**products[1], "type": "IMPRESSION"}, {**products[2], "type": "SEARCH"}], "2026-09-15T12:00:00.000Z", "android"),
    ]
    cases = []
    favourites = {"short history": (["dairy", "coffee"], ["almarai"]), "long history": (["bakery"], ["nestle", "baraka"]),
                  "no history": (["fruit"], ["baraka"])}
    for name, hist, t, device in specs:
        ts = pd.Timestamp(t)
        cands = candidates(8, ts)
        if name == "long history":
            cands[0] = {**cands[0], **products[3]}
        if name == "no history":  # created after the request: recency 0
            cands[1] = {**cands[1], "createdAt": (ts + pd.Timedelta(days=2)).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        fc, fb = favourites.get(name, ([], []))
        user = {"history": hist, "favouriteCategories": fc, "favouriteBrands": fb}
        ctx = {"time": t, "device": device}
        cases.append({"name": name, "user": user, "candidates": cands, "ctx": ctx,
                      "expected": rank_features(user, cands, ctx).astype(np.float64).tolist()})
    # Scores accumulated with a 7-day half-life (POPULARITY_HALF_LIFE_DAYS=7) are on a 7-day scale.
    t_ms = _to_ms(cases[1]["ctx"]["time"])
    rescale = 2.0 ** ((t_ms - EPOCH_MS) / (7 * DAY_MS) - (t_ms - EPOCH_MS) / (14 * DAY_MS))
    cases.append({**cases[1], "name": "half-life 7 days", "ctx": {**cases[1]["ctx"], "popularityHalfLifeDays": 7},
                  "candidates": [{**c, "popularity": c["popularity"] * rescale} for c in cases[1]["candidates"]]})
    cases[-1]["expected"] = rank_features(cases[-1]["user"], cases[-1]["candidates"], cases[-1]["ctx"]).astype(np.float64).tolist()
    return cases


def write_fixture(path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doc = {"features": list(RANK_FEATURES), "generated_by": "python -m training.ranker --fixture <this file>", "cases": fixture_cases()}
    p.write_text(json.dumps(doc, indent=1) + "\n")
    return p


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snapshot")
    p.add_argument("--run", help="training run dir (best.pt); the report goes to <run>/report")
    p.add_argument("--export", help="export dir (user_tower.onnx, item_tower.onnx, metadata.json); ranker.onnx goes here")
    p.add_argument("--train-from", choices=["val", "all"], default="all")
    p.add_argument("--fixture", help="write the TypeScript parity fixture to this path and exit")
    a = p.parse_args()
    if a.fixture:
        print(write_fixture(a.fixture))
        return
    if not (a.snapshot and a.run and a.export):
        p.error("--snapshot, --run and --export are required (or --fixture)")
    r = train_ranker(a.snapshot, a.run, a.export, train_from=a.train_from)
    print(json.dumps({"metrics": r["metrics"], "parity_max_abs_diff": r["parity_max_abs_diff"], "train_seconds": r["train_seconds"]}))


if __name__ == "__main__":
    main()
