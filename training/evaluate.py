"""One evaluation report per run: the two-tower and the baselines on the same split, as JSON + Markdown + PNG.

    training/.venv/bin/python -m training.evaluate --snapshot <snap> --run training/runs/v1

Metrics (full ranking, training items masked): Recall / Precision / NDCG / HitRate @ 10, 20, 50, 200;
MAP@200; MRR; catalog coverage@20; intra-list diversity@20 (share of top-20 pairs from different
categories); novelty@20 (mean -log2 popularity share of recommended items). Stratified by user
activity (cold: no training positives, light: 1-5, heavy: more) and by the vertical of the held-out
item. Baselines: random, most-popular, category-popular, ItemKNN, implicit ALS, LightFM WARP.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable

import numpy as np
import scipy.sparse as sp
import torch

from training.graph_filter import FilterConfig, GraphFilter
from training.ranking import hits_matrix, recall_ndcg, topk_full_ranking

KS = (10, 20, 50, 200)
ScoreFn = Callable[[np.ndarray], torch.Tensor]


def to_csr(by_user: dict[int, set[int]], n_users: int, n_items: int) -> sp.csr_matrix:
    rows = [u for u, items in by_user.items() for _ in items]
    cols = [i for items in by_user.values() for i in items]
    return sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n_users, n_items))


def metrics_for(top: np.ndarray, test: sp.csr_matrix, users: np.ndarray, item_pop: np.ndarray, item_cat: np.ndarray) -> dict[str, float]:
    """top (U, 200) ranked item ids for `users`; every metric of the module docstring."""
    if len(users) == 0:
        return {}
    hits = hits_matrix(top, test, users)  # (U, 200)
    n_test = np.diff(test.indptr)[users]
    out: dict[str, float] = {"users": float(len(users))}
    for k in KS:
        out.update(recall_ndcg(hits, n_test, k))
    ranks = np.arange(1, hits.shape[1] + 1)
    prec_at = np.cumsum(hits, 1) / ranks  # (U, 200)
    out["map@200"] = float(((prec_at * hits).sum(1) / np.minimum(n_test, hits.shape[1])).mean())
    first = np.where(hits.any(1), hits.argmax(1) + 1, np.inf)
    out["mrr"] = float(np.where(np.isfinite(first), 1.0 / first, 0.0).mean())
    t20 = top[:, :20]
    out["coverage@20"] = float(len(np.unique(t20)) / (len(item_pop) - 1))  # index 0 is padding
    cats = item_cat[t20]  # (U, 20)
    diff_pairs = (cats[:, :, None] != cats[:, None, :]).sum((1, 2)) / (20 * 19)
    out["diversity@20"] = float(diff_pairs.mean())
    share = item_pop / max(item_pop.sum(), 1)
    out["novelty@20"] = float((-np.log2(np.maximum(share[t20], 1e-12))).mean())
    return out


def baselines(train: sp.csr_matrix, item_cat: np.ndarray, seed: int = 0, include_peers: bool = True) -> dict[str, ScoreFn]:
    """Score functions for the baselines, all trained on `train` only."""
    n_users, n_items = train.shape
    pop = torch.from_numpy(np.asarray(train.sum(0)).ravel().astype(np.float32))  # (I,)
    gen = torch.Generator().manual_seed(seed)
    fns: dict[str, ScoreFn] = {
        "random": lambda u: torch.rand(len(u), n_items, generator=gen),
        "most-popular": lambda u: pop.expand(len(u), -1).clone(),
    }
    # Category-popular: popularity within the categories the user interacted with, then global popularity.
    n_cat = int(item_cat.max()) + 1
    cat_onehot = sp.csr_matrix((np.ones(n_items), (np.arange(n_items), item_cat)), shape=(n_items, n_cat))
    user_cat = (train @ cat_onehot).toarray().astype(np.float32)  # (U, C)
    cat_t = torch.from_numpy(item_cat)
    fns["category-popular"] = lambda u: torch.from_numpy(user_cat[u])[:, cat_t] * (pop.max() + 1) + pop
    # ItemKNN: cosine item-item similarity on the training matrix, top-100 neighbours per item.
    norms = np.sqrt(np.asarray(train.multiply(train).sum(0)).ravel()) + 1e-9
    xn = train @ sp.diags(1.0 / norms)
    sim = (xn.T @ xn).tocsr()
    sim.setdiag(0)
    sim.eliminate_zeros()
    fns["itemknn"] = lambda u: torch.from_numpy((train[u] @ sim).toarray().astype(np.float32))
    if include_peers and train.nnz > 0:
        # The graph filter that re-ranks retrieval in bench_quality (graph_filter.py), here over all items.
        fns["graph-filter"] = GraphFilter(train, FilterConfig(), seed=seed).scores
        from implicit.als import AlternatingLeastSquares
        from lightfm import LightFM
        from threadpoolctl import threadpool_limits

        als = AlternatingLeastSquares(factors=64, regularization=0.05, alpha=10.0, iterations=15, random_state=seed)
        with threadpool_limits(1, "blas"):
            als.fit(train, show_progress=False)
        uf, itf = torch.from_numpy(np.asarray(als.user_factors)), torch.from_numpy(np.asarray(als.item_factors))
        fns["implicit-als"] = lambda u: uf[torch.from_numpy(u)] @ itf.T
        lfm = LightFM(no_components=64, loss="warp", random_state=seed)
        lfm.fit(train.tocoo(), epochs=20, num_threads=2)
        _, ue = lfm.get_user_representations()
        ib, ie = lfm.get_item_representations()
        ue_t, ie_t, ib_t = (torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)) for x in (ue, ie, ib))
        fns["lightfm-warp"] = lambda u: ue_t[torch.from_numpy(u)] @ ie_t.T + ib_t
    return fns


def _no_padding(fn: ScoreFn) -> ScoreFn:
    def wrapped(u: np.ndarray) -> torch.Tensor:
        s = fn(u).float()
        s[:, 0] = -torch.inf
        return s

    return wrapped


def evaluate_all(
    models: dict[str, ScoreFn], train: sp.csr_matrix, test: sp.csr_matrix, item_cat: np.ndarray,
    item_vertical: np.ndarray | None = None, verticals: tuple[str, ...] = ("RESTAURANT", "CONVENIENCE", "SUPERMARKET"),
    skip_item0: bool = True,
) -> dict[str, dict]:
    """{model: {"all": metrics, "activity/cold": ..., "vertical/RESTAURANT": ...}}.
    skip_item0: item index 0 is the vocabularies' unknown/padding row, never a recommendation."""
    item_pop = np.asarray(train.sum(0)).ravel()
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    activity = np.diff(train.indptr)[users]
    strata = {"all": np.ones(len(users), bool), "activity/cold": activity == 0,
              "activity/light": (activity >= 1) & (activity <= 5), "activity/heavy": activity > 5}
    report: dict[str, dict] = {}
    for name, fn in models.items():
        top = topk_full_ranking(_no_padding(fn) if skip_item0 else fn, train, users, max(KS))
        r = {s: metrics_for(top[m], test, users[m], item_pop, item_cat) for s, m in strata.items()}
        if item_vertical is not None:
            for vi, vname in enumerate(verticals, start=1):
                sub = (test @ sp.diags((item_vertical == vi).astype(np.float32))).tocsr()  # test items of this vertical only
                sub.eliminate_zeros()
                has = np.diff(sub.indptr)[users] > 0
                r[f"vertical/{vname}"] = metrics_for(top[has], sub, users[has], item_pop, item_cat)
        report[name] = r
    return report


# Sections other steps add to a run's report.md: training.ranker, training.ablation.
REPORT_SECTIONS = ("ranker", "ablation")


def put_section(report_dir: str | Path, name: str, data: dict, section: str) -> None:
    """A later step's part of a run's report: <name>.json and <name>.md under report_dir, and the
    section in report.md between `<!-- name:start -->` / `<!-- name:end -->` markers, replacing the
    one an earlier run of that step wrote and leaving the others' sections alone."""
    rep = Path(report_dir)
    rep.mkdir(parents=True, exist_ok=True)
    (rep / f"{name}.json").write_text(json.dumps(data, indent=2))
    (rep / f"{name}.md").write_text(section)
    md = rep / "report.md"
    if not md.exists():
        return
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = md.read_text()
    a, b = text.find(start), text.find(end)
    if a >= 0 and b > a:
        text = text[:a].rstrip("\n") + "\n\n" + text[b + len(end) :].lstrip("\n")
    md.write_text(text.rstrip("\n") + f"\n\n{start}\n{section.rstrip()}\n{end}\n")


def write_report(report: dict[str, dict], out_dir: str | Path, history: list[dict] | None = None, extra: dict | None = None) -> None:
    """report.json, report.md and PNG plots (training curves, metric bars) under out_dir."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps({"models": report, "history": history or [], **(extra or {})}, indent=2))
    cols = ["recall@20", "ndcg@20", "recall@50", "hitrate@20", "map@200", "mrr", "coverage@20", "diversity@20", "novelty@20"]
    lines = ["# Evaluation report", ""]
    for stratum in sorted({s for r in report.values() for s in r}, key=lambda s: (s != "all", s)):
        lines += [f"## {stratum}", "", "| model | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
        for m, r in report.items():
            row = r.get(stratum, {})
            lines.append(f"| {m} | " + " | ".join(f"{row[c]:.4f}" if c in row else "-" for c in cols) + " |")
        lines.append("")
    if extra:
        lines += ["## Run", "", "```json", json.dumps(extra, indent=2), "```", ""]
    for name in REPORT_SECTIONS:  # written by later steps (put_section); kept when the report is regenerated
        if (out / f"{name}.md").exists():
            lines += [f"<!-- {name}:start -->", (out / f"{name}.md").read_text().rstrip(), f"<!-- {name}:end -->", ""]
    (out / "report.md").write_text("\n".join(lines))
    fig, ax = plt.subplots(figsize=(8, 4))
    names = list(report)
    for j, k in enumerate(("recall@20", "ndcg@20", "recall@50")):
        ax.bar(np.arange(len(names)) + j * 0.27, [report[n]["all"].get(k, 0) for n in names], width=0.27, label=k)
    ax.set_xticks(np.arange(len(names)) + 0.27, names, rotation=30, ha="right")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "metrics.png", dpi=100)
    plt.close(fig)
    if history:
        fig, ax1 = plt.subplots(figsize=(6, 4))
        ep = [h["epoch"] for h in history]
        ax1.plot(ep, [h["loss"] for h in history], "b-", label="train loss")
        ax2 = ax1.twinx()
        ax2.plot(ep, [h["val_recall"] for h in history], "r-", label="val recall")
        ax1.set_xlabel("epoch")
        fig.legend()
        fig.tight_layout()
        fig.savefig(out / "training_curves.png", dpi=100)
        plt.close(fig)


def main() -> None:
    from training.config import TrainConfig
    from training.train import embed_all, load_best, prepare

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snapshot", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--split", choices=["val", "test"], default="test")
    a = p.parse_args()
    prep = prepare(a.snapshot, TrainConfig())
    model = load_best(a.run)
    u_emb, i_emb = embed_all(model, prep, torch.device("cpu"))
    n_users, n_items = len(prep.vocabs.users), len(prep.vocabs.items)
    train = to_csr(prep.train_seen, n_users, n_items)
    test = to_csr(prep.test if a.split == "test" else prep.val, n_users, n_items)
    item_cat = prep.item_feats["category"].numpy()
    models = {"two-tower": lambda u: (u_emb[torch.from_numpy(u)] @ i_emb.T)}
    models.update(baselines(train, item_cat))
    rep = evaluate_all(models, train, test, item_cat, prep.item_feats["vertical"].numpy())
    summary_path = Path(a.run) / "train_summary.json"
    history = json.loads(summary_path.read_text())["history"] if summary_path.exists() else None
    write_report(rep, Path(a.run) / "report", history, {"split": a.split, "time_range": prep.time_range})
    (Path(a.run) / "metrics.json").write_text(json.dumps(rep["two-tower"]["all"], indent=2))
    print(json.dumps({m: {k: round(r["all"][k], 4) for k in ("recall@20", "ndcg@20", "recall@50")} for m, r in rep.items()}))


if __name__ == "__main__":
    main()
