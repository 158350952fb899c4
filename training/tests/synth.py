"""Small generated marketplace data with planted structure, in the snapshot format (data.Snapshot).

Users belong to a taste cluster (one favourite category); most of their positives come from that
category, so a model that learns anything beats random, and a smoke run's loss must fall.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from training.data import QUERIES, write_image_matrix

CATEGORIES = ["bread", "milk", "coffee", "pizza", "sushi", "fruit", "snacks", "juice"]
BRANDS = ["acme", "baraka", "nour", "zahra", "atlas", "sahara"]
VERTICALS = ["RESTAURANT", "CONVENIENCE", "SUPERMARKET"]


def make_frames(n_users: int = 150, n_products: int = 320, events_per_user: int = 24, seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-01-01", tz="UTC")
    businesses = pd.DataFrame({
        "id": [f"b{i}" for i in range(6)], "vertical": [VERTICALS[i % 3] for i in range(6)],
        "name": [f"shop {i}" for i in range(6)], "city": ["dubai"] * 6, "is_open": [True] * 6,
    })
    cats = [CATEGORIES[i % len(CATEGORIES)] for i in range(n_products)]
    centers = {c: rng.normal(size=1280).astype(np.float32) for c in CATEGORIES}
    products = pd.DataFrame({
        "id": [f"p{i}" for i in range(n_products)], "business_id": [f"b{i % 6}" for i in range(n_products)],
        "vertical": [VERTICALS[(i % 6) % 3] for i in range(n_products)],
        "title": [f"{cats[i]} item {i}" for i in range(n_products)], "description": [f"a {cats[i]} product" for i in range(n_products)],
        "category": cats, "brand": [BRANDS[i % len(BRANDS)] for i in range(n_products)],
        "price": rng.uniform(1, 50, n_products).round(2), "price_range": rng.integers(1, 5, n_products),
        "updated_at": [t0] * n_products,
    })
    images = pd.DataFrame({
        "product_id": products["id"],
        "embedding": [(centers[c] + 0.3 * rng.normal(size=1280)).astype(np.float32).tolist() for c in cats],
    })
    fav = rng.integers(0, len(CATEGORIES), n_users)
    users = pd.DataFrame({
        "id": [f"u{i}" for i in range(n_users)], "age_group": rng.choice(["18-24", "25-34", "35-44", None], n_users),
        "gender": rng.choice(["f", "m", None], n_users), "city": rng.choice(["dubai", "abu dhabi"], n_users),
        "favourite_categories": [[CATEGORIES[f]] for f in fav], "favourite_brands": [[] for _ in range(n_users)],
        "created_at": [t0] * n_users,
    })
    by_cat = {c: products.index[products["category"] == c].to_numpy() for c in CATEGORIES}
    rows = []
    for u in range(n_users):
        times = np.sort(rng.uniform(0, 60 * 24 * 3600, events_per_user))
        for k, t in enumerate(times):
            own = rng.random() < 0.85
            pool = by_cat[CATEGORIES[fav[u]]] if own else np.arange(n_products)
            p = int(rng.choice(pool))
            kind = rng.choice(["VIEW", "VIEW", "VIEW", "ADD_TO_CART", "PURCHASE", "IMPRESSION", "SEARCH"])
            rows.append({
                "event_id": f"e{u}_{k}", "user_id": f"u{u}", "product_id": None if kind == "SEARCH" else f"p{p}",
                "business_id": f"b{p % 6}", "type": kind, "query": f"fresh {CATEGORIES[fav[u]]}" if kind == "SEARCH" else None,
                "rating": None, "occurred_at": t0 + pd.Timedelta(seconds=float(t)), "session_id": f"s{u}_{k // 6}",
            })
    interactions = pd.DataFrame(rows)
    return {"users": users, "businesses": businesses, "products": products, "product_images": images, "interactions": interactions}


def write_snapshot(out_dir: str | Path, **kw) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = make_frames(**kw)
    assert set(frames) == set(QUERIES)
    for name, df in frames.items():
        if name == "product_images":
            df = write_image_matrix(df, out)  # the layout snapshot() writes
        df.to_parquet(out / f"{name}.parquet", index=False)
    return out
