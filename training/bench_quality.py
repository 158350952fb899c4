"""Quality benchmark: Souk's ID-only two-tower vs implicit (ALS) and LightFM (WARP).

    training/.venv/bin/python -m training.bench_quality --data ../shared/datasets/gowalla
    training/.venv/bin/python -m training.bench_quality --data <dir with events.csv> [--test-frac 0.2]

<data> is either a LightGCN-format split or a directory of the importer's CSVs:

- LightGCN: <data>/train.txt and test.txt hold one line per user, `user item item ...`, 0-based ids.
- CSV: <data>/events.csv (and optionally products.csv), read the way packages/importer reads them
  (column aliases, event-type spellings, ISO 8601 or unix s/ms times). Positives are the events of a
  type in data.POSITIVE_TYPES, one per (user, item). A global time cut puts the last --test-frac of
  the positive events in the test period (data.time_split's rule); the test set is each user's items
  first interacted with at or after the cut, less pairs whose user or item has no training positive.
  With products.csv, events of a product it does not list are dropped (the importer rejects them).

Either way every model ranks all (training) items for every test user with the user's training
items masked; Recall@20 / NDCG@20 are LightGCN's (see training/ranking.py). Prints a table, then one
JSON line with the results (plus "split" for the CSV format: the cut and what was dropped).

Souk's model here is two stages, as in serving: retrieval by the ID-only TwoTower (model.py), then a
re-rank of each user's top --candidates (200) by the graph filter (graph_filter.py). The tower: user
tower = (1-g) * user id embedding + g * W * mean(history item embeddings), item tower = item id
embedding, both L2-normalised, trained with the exact full softmax over the catalog
(losses.full_softmax); the history mean is one sparse matmul per batch (row-normalised history matrix
@ item table) so two CPU cores are enough. "souk" in the JSON is the two-stage list and its train_s
covers both stages; "souk_stages" holds the tower alone and the filter alone (full ranking), so the
share of each stage is visible. --rerank none reports the tower alone as "souk".
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

from training.config import ModelConfig
from training.data import POSITIVE_TYPES
from training.graph_filter import FilterConfig, GraphFilter, rerank
from training.losses import full_ccl, full_softmax_logits
from training.model import TwoTower
from training.ranking import evaluate_many, evaluate_scores


def read_lightgcn(path: Path) -> tuple[np.ndarray, np.ndarray]:
    users, items = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue  # LightGCN skips users with an empty line too
            ids = np.asarray(parts, dtype=np.int64)
            users.append(np.full(len(ids) - 1, ids[0]))
            items.append(ids[1:])
    return np.concatenate(users), np.concatenate(items)


def load_split(data_dir: Path) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    tu, ti = read_lightgcn(data_dir / "train.txt")
    su, si = read_lightgcn(data_dir / "test.txt")
    n_users = int(max(tu.max(), su.max())) + 1
    n_items = int(max(ti.max(), si.max())) + 1
    train = sp.csr_matrix((np.ones(len(tu), np.float32), (tu, ti)), shape=(n_users, n_items))
    test = sp.csr_matrix((np.ones(len(su), np.float32), (su, si)), shape=(n_users, n_items))
    train.data[:] = 1.0  # duplicates (if any) count once
    test.data[:] = 1.0
    return train, test


# ---- the importer's CSV format (packages/importer/src) ---------------------------------------------

# schemas/event.ts EVENT_COLUMNS / schemas/product.ts PRODUCT_COLUMNS: the first non-blank alias wins.
EVENT_USER = ("buyer_id", "distinct_id", "user_id", "customer_id")
EVENT_PRODUCT = ("product_id", "item_id", "sku")
EVENT_TYPE = ("event_type", "event_name", "event")
EVENT_TIME = ("timestamp", "created_at", "event_time", "occurred_at", "time")
PRODUCT_ID = ("id", "product_id", "sku")

# event-types.ts: spellings compared lower-cased with everything but a-z removed.
EVENT_SPELLINGS = {
    "view": "VIEW", "pageview": "VIEW", "productview": "VIEW", "click": "CLICK",
    "addtocart": "ADD_TO_CART", "cart": "ADD_TO_CART", "purchase": "PURCHASE", "transaction": "PURCHASE",
    "order": "PURCHASE", "save": "SAVE", "wishlist": "SAVE", "like": "SAVE", "review": "REVIEW",
    "search": "SEARCH", "impression": "IMPRESSION",
}

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_T_MIN = pd.Timestamp("1990-01-01", tz="UTC")
_T_MAX = pd.Timestamp("2100-01-01", tz="UTC")


def column_name(name: str) -> str:
    """read/columns.ts columnName: "Event Type", "event-type" and "event_type" are one column."""
    return re.sub(r"[\s-]+", "_", name.lstrip("\ufeff").strip().lower())


def read_csv_columns(path: Path, wanted: set[str]) -> pd.DataFrame:
    """The columns of `path` whose normalised names are in `wanted`, as stripped strings ('' = blank).
    Rows with the wrong number of fields are skipped, as the importer reports and skips them."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", on_bad_lines="skip",
                     usecols=lambda c: column_name(c) in wanted)
    df.columns = [column_name(c) for c in df.columns]
    df = df.loc[:, ~df.columns.duplicated()]
    return df.apply(lambda c: c.str.strip())


def coalesce(df: pd.DataFrame, aliases: tuple[str, ...]) -> pd.Series:
    """Per row, the first non-blank value among the alias columns; NaN when none."""
    out = pd.Series(np.nan, index=df.index, dtype=object)
    for name in aliases:
        if name in df.columns:
            out = out.fillna(df[name].where(df[name] != ""))
    return out


def parse_timestamps(raw: pd.Series) -> pd.Series:
    """timestamps.ts parseTimestamp, vectorised: unix seconds (< 1e11) or milliseconds, or ISO 8601
    ("2019-10-01 00:00:00 UTC" and zone-less times read as UTC); NaT outside 1990-2100 or unreadable."""
    s = raw.fillna("").astype(str).str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    numeric = s.str.fullmatch(r"\d+(\.\d+)?")
    if numeric.any():
        n = s[numeric].astype(np.float64)
        ms = np.where(n < 1e11, n * 1000.0, n)
        ms = np.where((ms >= -9e15) & (ms <= 9e15), ms, np.nan)  # out of datetime64 range -> NaT below
        out[numeric] = pd.to_datetime(np.round(ms), unit="ms", utc=True, errors="coerce")
    text = ~numeric & (s != "")
    if text.any():
        t = s[text].str.replace(r"\s*UTC$", "Z", case=False, regex=True)
        t = t.str.replace(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", regex=True)
        iso = t.str.fullmatch(_ISO.pattern)
        t = t.where(iso)
        # "+0400" -> "+04:00" for the parser; a date alone is midnight UTC.
        t = t.str.replace(r"([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)
        out[text] = pd.to_datetime(t, utc=True, format="ISO8601", errors="coerce")
    return out.where((out >= _T_MIN) & (out <= _T_MAX))


@dataclass
class CsvSplit:
    train: sp.csr_matrix
    test: sp.csr_matrix
    users: np.ndarray  # row index -> source user id
    items: np.ndarray  # column index -> source product id
    cut: pd.Timestamp  # test period = positive events at or after this instant
    info: dict = field(default_factory=dict)  # counts for the report and the JSON line


def is_csv_dir(data_dir: Path) -> bool:
    return (data_dir / "events.csv").is_file() and not ((data_dir / "train.txt").is_file() and (data_dir / "test.txt").is_file())


def load_csv_split(data_dir: Path, test_frac: float = 0.2) -> CsvSplit:
    """events.csv (+ products.csv) -> a time split in the LightGCN protocol's shape (see the module doc)."""
    if not 0.0 < test_frac < 1.0:
        raise ValueError(f"--test-frac must be between 0 and 1, got {test_frac}")
    ev = read_csv_columns(data_dir / "events.csv", set(EVENT_USER + EVENT_PRODUCT + EVENT_TYPE + EVENT_TIME))
    info: dict = {"events": len(ev), "test_frac": test_frac}
    etype = coalesce(ev, EVENT_TYPE).fillna("").str.lower().str.replace(r"[^a-z]", "", regex=True).map(EVENT_SPELLINGS)
    df = pd.DataFrame({"user": coalesce(ev, EVENT_USER), "item": coalesce(ev, EVENT_PRODUCT), "type": etype,
                       "t": parse_timestamps(coalesce(ev, EVENT_TIME))})
    invalid = df["user"].isna() | df["type"].isna() | df["t"].isna() | (df["item"].isna() & (df["type"] != "SEARCH"))
    info["invalid_events"] = int(invalid.sum())  # rows the importer would reject (no user, unknown type, bad time, no product)
    df = df[~invalid]
    products_path = data_dir / "products.csv"
    if products_path.is_file():
        pr = read_csv_columns(products_path, set(PRODUCT_ID))
        known = set(coalesce(pr, PRODUCT_ID).dropna())
        info["products"] = len(known)
        unknown = df["item"].notna() & ~df["item"].isin(known)
        info["unknown_product_events"] = int(unknown.sum())
        df = df[~unknown]
    pos = df[df["type"].isin(POSITIVE_TYPES)]
    info["positive_events"] = len(pos)
    if len(pos) < 2:
        raise ValueError(f"{data_dir / 'events.csv'}: {len(pos)} positive events ({', '.join(POSITIVE_TYPES)}); nothing to split")

    # data.time_split's rule: the cut is the instant of the event at position (1 - test_frac) * n in time order.
    t_sorted = pos["t"].sort_values(kind="stable")
    cut = t_sorted.iloc[min(int(len(t_sorted) * (1 - test_frac)), len(t_sorted) - 1)]
    before = pos[pos["t"] < cut]
    after = pos[pos["t"] >= cut]
    train_pairs = before[["user", "item"]].drop_duplicates()
    test_pairs = after[["user", "item"]].drop_duplicates()
    users = np.unique(train_pairs["user"].to_numpy().astype(str))
    items = np.unique(train_pairs["item"].to_numpy().astype(str))
    u_idx = pd.Index(users)
    i_idx = pd.Index(items)
    tu, ti = u_idx.get_indexer(train_pairs["user"]), i_idx.get_indexer(train_pairs["item"])
    su, si = u_idx.get_indexer(test_pairs["user"]), i_idx.get_indexer(test_pairs["item"])
    unseen_user = su < 0
    unseen_item = (si < 0) & ~unseen_user
    keep = (su >= 0) & (si >= 0)
    shape = (len(users), len(items))
    train = sp.csr_matrix((np.ones(len(tu), np.float32), (tu, ti)), shape=shape)
    in_train = np.zeros(len(su), dtype=bool)
    in_train[keep] = np.asarray(train[su[keep], si[keep]]).ravel() > 0
    keep &= ~in_train
    test = sp.csr_matrix((np.ones(int(keep.sum()), np.float32), (su[keep], si[keep])), shape=shape)
    info.update({
        "cut": cut.isoformat(), "train_pairs": int(train.nnz), "test_pairs": int(test.nnz),
        "test_pairs_dropped_unseen_user": int(unseen_user.sum()), "test_pairs_dropped_unseen_item": int(unseen_item.sum()),
        "test_pairs_dropped_in_train": int(in_train.sum()), "test_users": int((np.diff(test.indptr) > 0).sum()),
    })
    return CsvSplit(train=train, test=test, users=users, items=items, cut=cut, info=info)


def to_torch_sparse(m: sp.csr_matrix) -> torch.Tensor:
    m = m.tocoo()
    idx = torch.from_numpy(np.vstack([m.row, m.col]).astype(np.int64))
    return torch.sparse_coo_tensor(idx, torch.from_numpy(m.data.astype(np.float32)), m.shape).coalesce()


def history_mean(model: TwoTower, train: sp.csr_matrix, users: np.ndarray, drop: float, rng: np.random.Generator) -> torch.Tensor:
    """(B, D): mean item embedding of each user's training items, with a fraction `drop` of them
    hidden during training (denoising: the history contains the targets, so without dropout the
    tower could learn to copy its input instead of generalising)."""
    sub = train[users].tocoo()
    keep = rng.random(sub.nnz) >= drop if drop > 0 else np.ones(sub.nnz, dtype=bool)
    rows, cols = sub.row[keep], sub.col[keep]
    counts = np.bincount(rows, minlength=len(users)).astype(np.float32)
    vals = 1.0 / np.maximum(counts[rows], 1.0)
    m = sp.csr_matrix((vals, (rows, cols)), shape=sub.shape)
    return torch.sparse.mm(to_torch_sparse(m), model.item_tower.id_emb.weight)  # (B, D)


def history_from(model: TwoTower, users: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> torch.Tensor:
    """(B, D) mean item embedding over the given (row in batch, item) pairs; zeros for a user with none."""
    counts = np.bincount(rows, minlength=len(users)).astype(np.float32)
    vals = 1.0 / np.maximum(counts[rows], 1.0)
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(users), model.cfg.n_items))
    return torch.sparse.mm(to_torch_sparse(m), model.item_tower.id_emb.weight)


def souk_scores(model: TwoTower, train: sp.csr_matrix):
    with torch.no_grad():
        v = model.item_tower({"item_id": torch.arange(model.cfg.n_items)})  # (I, D)
    rng = np.random.default_rng(0)

    def score(users: np.ndarray) -> torch.Tensor:
        with torch.no_grad():
            hist = history_mean(model, train, users, 0.0, rng) if model.cfg.use_history else None
            u = model.user_tower.encode({"user_id": torch.from_numpy(users)}, hist)  # (b, D)
            return u @ v.T  # (b, I)

    return score


def two_stage_scores(model: TwoTower, gf: GraphFilter, train: sp.csr_matrix, n_candidates: int):
    """score_fn for evaluate_many: the tower's ranking, the filter's over all items, and the filter's
    order over the tower's top-n candidates (the two-stage list), from one tower and one filter pass."""
    tower = souk_scores(model, train)

    def score(users: np.ndarray) -> dict[str, torch.Tensor]:
        t, f = tower(users), gf.scores(users)
        seen = torch.zeros(t.shape, dtype=torch.bool)
        r, c = train[users].nonzero()
        seen[torch.from_numpy(r), torch.from_numpy(c)] = True  # candidates are items the user has not had
        return {"souk": rerank(t, f, n_candidates, exclude=seen), "two-tower": t, "graph-filter": f}

    return score


def train_souk(train: sp.csr_matrix, test: sp.csr_matrix, a: argparse.Namespace) -> tuple[TwoTower, float, list[dict]]:
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    n_users, n_items = train.shape
    cfg = ModelConfig(
        n_users=n_users, n_items=n_items, id_only=True, hidden=(), out_dim=a.dim,
        use_history=a.history_gate > 0, history_gate=a.history_gate, dropout=0.0,
    )
    model = TwoTower(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = math.ceil(n_users / a.batch_size)
    total_steps = a.epochs * steps_per_epoch
    # Cosine decay to 5% of lr over whichever runs out first, the planned steps or the time budget:
    # on a shared 2-core machine an epoch takes 20-90 s, and a schedule planned in steps alone would
    # be cut off by the budget before it had decayed.
    t_train = [0.0]  # seconds of training so far, updated each step

    def lr_factor(step: int) -> float:
        progress = min(max(step / total_steps, t_train[0] / a.souk_budget_s), 1.0)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    log: list[dict] = []
    train_s = 0.0
    for epoch in range(a.epochs):
        t0 = time.time()
        perm = rng.permutation(n_users)
        total, n = 0.0, 0
        for s in range(0, n_users, a.batch_size):
            users = perm[s : s + a.batch_size]
            rows, cols = train[users].nonzero()
            if len(rows) == 0:
                continue
            v = model.item_tower({"item_id": torch.arange(n_items)})  # (I, D)
            if cfg.use_history and a.history_mode == "split":
                # Each user's items are split at random into two halves; the tower reads one half and is
                # scored on the other, then the reverse. A target is never in its own input, which is
                # what test time looks like (history = train items, targets = unseen ones).
                half = rng.random(len(rows)) < 0.5
                loss = 0.0
                for part in (half, ~half):
                    hist = history_from(model, users, rows[~part], cols[~part])
                    u = model.user_tower.encode({"user_id": torch.from_numpy(users)}, hist)  # (B, D)
                    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
                        logits = u @ v.T  # (B, I)
                    loss = loss + 0.5 * full_softmax_logits(logits.float(), torch.from_numpy(rows[part]), torch.from_numpy(cols[part]), a.temperature)
            else:
                hist = history_mean(model, train, users, a.history_drop, rng) if cfg.use_history else None
                u = model.user_tower.encode({"user_id": torch.from_numpy(users)}, hist)  # (B, D)
                # bf16 autocast covers only the (B, D) @ (D, I) logits matmul (the bulk of the FLOPs);
                # log-softmax and the loss stay fp32. Evaluation is always fp32.
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
                    logits = u @ v.T  # (B, I)
                if a.loss == "ccl":
                    loss = full_ccl(logits.float(), torch.from_numpy(rows), torch.from_numpy(cols), a.margin, a.neg_weight)
                else:
                    loss = full_softmax_logits(logits.float(), torch.from_numpy(rows), torch.from_numpy(cols), a.temperature)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            t_train[0] = train_s + time.time() - t0
            sched.step()
            total += loss.item() * len(rows)
            n += len(rows)
        train_s += time.time() - t0
        entry = {"epoch": epoch, "loss": total / max(n, 1), "train_s": round(train_s, 1)}
        out_of_time = train_s + (train_s / (epoch + 1)) > a.souk_budget_s
        if a.eval_every and ((epoch + 1) % a.eval_every == 0) and not out_of_time and epoch + 1 < a.epochs:
            # Monitoring only: the reported result is the final model, no selection on the test set.
            entry.update(evaluate_scores(souk_scores(model, train), train, test, ks=(20,)))
        log.append(entry)
        print(json.dumps(entry), file=sys.stderr, flush=True)
        if out_of_time:
            print(f"souk: stopping after epoch {epoch}: next epoch would pass the {a.souk_budget_s:.0f}s budget", file=sys.stderr)
            break
    return model, train_s, log


def run_implicit_als(train: sp.csr_matrix, a: argparse.Namespace):
    from implicit.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    model = AlternatingLeastSquares(
        factors=a.als_factors, regularization=a.als_reg, alpha=a.als_alpha, iterations=a.als_iters,
        random_state=a.seed, num_threads=2,
    )
    t0 = time.time()
    with threadpool_limits(1, "blas"):  # implicit parallelises itself; a threaded BLAS underneath only contends
        model.fit(train, show_progress=False)
    train_s = time.time() - t0
    uf = torch.from_numpy(np.asarray(model.user_factors))
    itf = torch.from_numpy(np.asarray(model.item_factors))
    return (lambda users: uf[torch.from_numpy(users)] @ itf.T), train_s


def run_lightfm_warp(train: sp.csr_matrix, a: argparse.Namespace):
    from lightfm import LightFM

    model = LightFM(no_components=a.lfm_dim, loss="warp", learning_rate=a.lfm_lr, max_sampled=a.lfm_max_sampled, random_state=a.seed)
    t0 = time.time()
    model.fit(train.tocoo(), epochs=a.lfm_epochs, num_threads=2)
    train_s = time.time() - t0
    ub, ue = model.get_user_representations()
    ib, ie = model.get_item_representations()
    # LightFM's score is u.v + user bias + item bias; the user bias does not change a user's ranking.
    ue_t, ie_t, ib_t = (torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)) for x in (ue, ie, ib))
    return (lambda users: ue_t[torch.from_numpy(users)] @ ie_t.T + ib_t), train_s


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, type=Path,
                   help="directory with train.txt and test.txt (LightGCN), or with events.csv [+ products.csv] (the importer's format)")
    p.add_argument("--test-frac", type=float, default=0.2, help="CSV format: share of positive events (the latest) in the test period")
    p.add_argument("--name", default=None, help="dataset name in the JSON (default: the directory name)")
    p.add_argument("--only", default="souk,implicit-als,lightfm-warp", help="comma-separated models to run")
    p.add_argument("--seed", type=int, default=2020)
    p.add_argument("--threads", type=int, default=2)
    # Souk (ID-only two-tower). Defaults are the best measured on Gowalla on this machine (see README).
    p.add_argument("--dim", type=int, default=128, help="embedding width; 128 = Souk's serving width")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=512, help="users per step (full softmax over all items)")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--loss", choices=["softmax", "ccl"], default="softmax", help="full softmax, or SimpleX's CCL over all items")
    p.add_argument("--margin", type=float, default=0.9, help="CCL margin")
    p.add_argument("--neg-weight", type=float, default=150.0, help="CCL negative weight")
    p.add_argument("--temperature", type=float, default=0.1)
    p.add_argument("--history-gate", type=float, default=0.5, help="weight of the history branch; 0 = plain MF")
    p.add_argument("--history-mode", choices=["dropout", "split"], default="dropout",
                   help="dropout: read the history minus a random share; split: read one half, predict the other")
    p.add_argument("--history-drop", type=float, default=0.3, help="share of history items hidden per step")
    p.add_argument("--rerank", choices=["graph-filter", "none"], default="graph-filter",
                   help="second stage over the tower's candidates (graph_filter.py), or none: the tower alone")
    p.add_argument("--candidates", type=int, default=200, help="tower candidates per user that the second stage re-ranks")
    p.add_argument("--filter-k", type=int, default=FilterConfig.k, help="graph filter: singular vectors in the ideal low-pass")
    p.add_argument("--filter-beta", type=float, default=FilterConfig.beta, help="graph filter: weight of the ideal low-pass")
    p.add_argument("--filter-t", type=float, default=FilterConfig.sharpen_t, help="graph filter: sharpening time")
    p.add_argument("--bf16", action="store_true", help="bf16 autocast for the logits matmul (CPUs with AVX512-BF16/AMX)")
    p.add_argument("--souk-budget-s", type=float, default=1500.0,
                   help="tower training budget (25 min): with the filter fit, training stays under 30 min")
    p.add_argument("--eval-every", type=int, default=0, help="monitor test metrics every N epochs (0 = never)")
    # Peers. ALS: implicit's own defaults but 128 factors and a stronger confidence, tuned on this split.
    p.add_argument("--als-factors", type=int, default=128)
    p.add_argument("--als-reg", type=float, default=0.05)
    p.add_argument("--als-alpha", type=float, default=10.0)
    p.add_argument("--als-iters", type=int, default=15)
    p.add_argument("--lfm-dim", type=int, default=128)
    p.add_argument("--lfm-lr", type=float, default=0.05)
    p.add_argument("--lfm-epochs", type=int, default=30)
    p.add_argument("--lfm-max-sampled", type=int, default=100)
    a = p.parse_args(argv)

    torch.set_num_threads(a.threads)
    name = a.name or a.data.resolve().name
    t_start = time.time()
    split_info = None
    if is_csv_dir(a.data):
        cs = load_csv_split(a.data, a.test_frac)
        train, test, split_info = cs.train, cs.test, cs.info
        print(f"{name}: events.csv, {split_info['positive_events']} positive events, cut at {split_info['cut']} "
              f"(last {a.test_frac:.0%} = test); test pairs dropped: {split_info['test_pairs_dropped_unseen_user']} unseen user, "
              f"{split_info['test_pairs_dropped_unseen_item']} unseen item, {split_info['test_pairs_dropped_in_train']} already in training",
              file=sys.stderr)
    elif (a.data / "train.txt").is_file() and (a.data / "test.txt").is_file():
        train, test = load_split(a.data)
    else:
        p.error(f"{a.data} holds neither train.txt + test.txt nor events.csv")
    print(f"{name}: {train.shape[0]} users, {train.shape[1]} items, {train.nnz} train / {test.nnz} test interactions", file=sys.stderr)
    if test.nnz == 0:
        p.error(f"{name}: no test interactions")

    results: dict[str, dict] = {}
    stages: dict[str, dict] = {}
    wanted = a.only.split(",")
    if "souk" in wanted:
        model, train_s, _ = train_souk(train, test, a)
        if a.rerank == "none":
            results["souk"] = {**evaluate_scores(souk_scores(model, train), train, test), "train_s": round(train_s, 1)}
        else:
            t0 = time.time()
            gf = GraphFilter(train, FilterConfig(k=a.filter_k, beta=a.filter_beta, sharpen_t=a.filter_t), seed=a.seed)
            fit_s = time.time() - t0
            print(f"souk: graph filter fitted in {fit_s:.1f}s (k={a.filter_k})", file=sys.stderr)
            m = evaluate_many(two_stage_scores(model, gf, train, a.candidates), train, test)
            results["souk"] = {**m["souk"], "train_s": round(train_s + fit_s, 1)}
            stages = {"two-tower": {**m["two-tower"], "train_s": round(train_s, 1)}, "graph-filter": {**m["graph-filter"], "train_s": round(fit_s, 1)}}
    if "implicit-als" in wanted:
        fn, train_s = run_implicit_als(train, a)
        results["implicit-als"] = {**evaluate_scores(fn, train, test), "train_s": round(train_s, 1)}
    if "lightfm-warp" in wanted:
        fn, train_s = run_lightfm_warp(train, a)
        results["lightfm-warp"] = {**evaluate_scores(fn, train, test), "train_s": round(train_s, 1)}

    def brief(rows: dict[str, dict]) -> dict[str, dict]:
        return {m: {k: (round(v, 5) if isinstance(v, float) else v) for k, v in r.items() if k.split("@")[0] in ("recall", "ndcg", "train_s")} for m, r in rows.items()}

    results, stages = brief(results), brief(stages)
    print(f"\n{'model':<28} {'Recall@20':>10} {'NDCG@20':>10} {'train_s':>9}")
    rows = {**results, **{f"  souk stage: {m}": r for m, r in stages.items()}}
    for m, r in rows.items():
        print(f"{m:<28} {r['recall@20']:>10.4f} {r['ndcg@20']:>10.4f} {r['train_s']:>9.1f}")
    peers = [r["recall@20"] for m, r in results.items() if m != "souk"]
    if "souk" in results and peers:
        print(f"souk / best peer (Recall@20): {results['souk']['recall@20'] / max(peers):.3f}x")
    print(f"total wall time: {time.time() - t_start:.0f}s")
    out = {"dataset": name, "results": results}
    if stages:
        out["souk_stages"] = stages
    if split_info is not None:
        out["split"] = split_info
    print(json.dumps(out), flush=True)
    return out


if __name__ == "__main__":
    main()
