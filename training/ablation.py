"""Ablation: what log-Q correction, hard negatives, feature dropout and the side features each change.

    training/.venv/bin/python -m training.ablation --snapshot training/runs/snap --run training/runs/v1 [--epochs 3]

Trains the model five times on the same prepared snapshot and seed: the full model, then with each
of log-Q (logq=False), hard negatives (hard_negatives=0) and feature dropout (feature_dropout=0)
switched off in turn, and the ID-only configuration (no side features: what they add). Every variant
is evaluated on the same split (test by default) with evaluate.evaluate_all, next to most-popular as
the reference: overall Recall@50 / NDCG@50 and the cold-user (no training positives) stratum.
Checkpoints go to <run>/ablation/<variant>/; the results go to <run>/report/ablation.json and
<run>/report/ablation.md, and an "Ablation" section is (re)written into <run>/report/report.md by
evaluate.put_section (evaluate.write_report also includes ablation.md when it regenerates the report).
"""
from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import torch

from training.config import ModelConfig, TrainConfig
from training.evaluate import baselines, evaluate_all, put_section, to_csr
from training.train import Prepared, embed_all, load_best, model_config_for, prepare, train

# variant -> (the TrainConfig fields it overrides, the ModelConfig fields it overrides)
VARIANTS: dict[str, tuple[dict, dict]] = {
    "full": ({}, {}),
    "no-logq": ({"logq": False}, {}),
    "no-hard-negatives": ({"hard_negatives": 0}, {}),
    "no-feature-dropout": ({"feature_dropout": 0.0}, {}),
    "id-only": ({}, {"id_only": True, "hidden": ()}),
}
REFERENCE = "most-popular"
SWITCHES = ("logq", "hard_negatives", "feature_dropout")
METRICS = ("recall@50", "ndcg@50", "recall@20")
SECTION = "## Ablation"


def run_ablation(prep: Prepared, mcfg: ModelConfig, tcfg: TrainConfig, run_dir: str | Path, split: str = "test", progress: bool = False) -> dict:
    run = Path(run_dir)
    n_users, n_items = len(prep.vocabs.users), len(prep.vocabs.items)
    train_m = to_csr(prep.train_seen, n_users, n_items)
    test_m = to_csr(prep.test if split == "test" else prep.val, n_users, n_items)
    item_cat = prep.item_feats["category"].numpy()
    results: dict[str, dict] = {}

    def record(name: str, rep: dict, extra: dict) -> None:
        cold = rep.get("activity/cold", {})
        results[name] = {
            **extra,
            "all": {k: rep["all"].get(k) for k in METRICS},
            "cold": {k: cold.get(k) for k in METRICS},
            "cold_users": int(cold.get("users", 0)),
        }

    for name, (t_over, m_over) in VARIANTS.items():
        t = replace(tcfg, out_dir=str(run / "ablation" / name), **t_over)
        m = replace(mcfg, **m_over)
        summary = train(prep, m, t, progress=progress)
        model = load_best(t.out_dir)
        u_emb, i_emb = embed_all(model, prep, torch.device("cpu"))
        rep = evaluate_all({name: lambda u: u_emb[torch.from_numpy(u)] @ i_emb.T}, train_m, test_m, item_cat)[name]
        record(name, rep, {
            "switches": {**{k: getattr(t, k) for k in SWITCHES}, "id_only": m.id_only},
            "best_val_recall": summary["best_val_recall"],
            "epochs": summary["epochs"],
        })
    ref = baselines(train_m, item_cat, seed=tcfg.seed, include_peers=False)[REFERENCE]
    record(REFERENCE, evaluate_all({REFERENCE: ref}, train_m, test_m, item_cat)[REFERENCE], {"switches": None})
    out = {"split": split, "epochs": tcfg.epochs, "seed": tcfg.seed, "variants": results}
    put_section(run / "report", "ablation", out, markdown(out))
    return out


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def markdown(out: dict) -> str:
    full = out["variants"].get("full", {})
    lines = [
        SECTION, "",
        f"Same split ({out['split']}), seed {out['seed']}, {out['epochs']} epochs max; one switch off per row. "
        "Δ = variant minus full model: a negative Δ is what that part contributes. Feature dropout's share "
        "of the cold-user result is the Δ cold of no-feature-dropout.", "",
        "| variant | logq | hard negatives | feature dropout | Recall@50 | Δ | NDCG@50 | cold Recall@50 | Δ cold | cold users |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in out["variants"].items():
        s = r["switches"] or {}
        a, c = r["all"]["recall@50"], r["cold"]["recall@50"]
        fa, fc = full.get("all", {}).get("recall@50"), full.get("cold", {}).get("recall@50")
        da = "-" if name == "full" or a is None or fa is None else f"{a - fa:+.4f}"
        dc = "-" if name == "full" or c is None or fc is None else f"{c - fc:+.4f}"
        label = f"{name} (no side features)" if s.get("id_only") else name if s else f"{name} (reference, no training)"
        lines.append(
            f"| {label} | {s.get('logq', '-')} | {s.get('hard_negatives', '-')} | {s.get('feature_dropout', '-')} | {_fmt(a)} | {da} | "
            f"{_fmt(r['all']['ndcg@50'])} | {_fmt(c)} | {dc} | {r['cold_users']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snapshot", required=True)
    p.add_argument("--run", required=True, help="run directory; results go to <run>/report/")
    p.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    p.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    p.add_argument("--lr", type=float, default=TrainConfig.lr)
    p.add_argument("--split", choices=["val", "test"], default="test")
    a = p.parse_args()
    tcfg = TrainConfig(epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, out_dir=a.run)
    prep = prepare(a.snapshot, tcfg)
    out = run_ablation(prep, model_config_for(prep, ModelConfig()), tcfg, a.run, a.split, progress=True)
    print(json.dumps({n: {"recall@50": r["all"]["recall@50"], "cold_recall@50": r["cold"]["recall@50"]} for n, r in out["variants"].items()}))


if __name__ == "__main__":
    main()
