"""Train Souk's two-tower on a snapshot of Souk's own data.

    training/.venv/bin/python -m training.train --snapshot training/runs/snap --out training/runs/v1
    training/.venv/bin/python -m training.train ... --resume   # continues from out/last.pt

`train(...)` is a plain function (a smoke test calls it with tiny sizes); the CLI is a thin wrapper.
Loop: AdamW, linear warmup + cosine decay, in-batch sampled softmax with log-Q (losses.py), hard
negatives mixed in at a ratio, feature dropout, early stopping on validation Recall@K, a checkpoint
every epoch (model + optimiser + scheduler + RNG + configs) with resume, CUDA + bf16 autocast when a
GPU is present.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from training import losses
from training.config import ModelConfig, TrainConfig
from training.data import POSITIVE_TYPES, Split, check_leakage, load_snapshot, time_split
from training.features import (
    TextEmbedder, Vocabs, build_item_features, build_user_features, build_vocabs, interaction_weights, take,
)
from training.model import TwoTower


@dataclass
class Prepared:
    """Everything a training run needs, built once from a snapshot."""

    vocabs: Vocabs
    item_feats: dict[str, torch.Tensor]  # ITEM_KEYS -> (I, ...)
    user_feats: dict[str, torch.Tensor]  # USER_KEYS -> (U, ...), as of split.val_start
    examples: torch.Tensor  # (N, 2) user index, item index of training positives
    weights: torch.Tensor  # (N,) interaction weights
    impressions: dict[int, np.ndarray]  # user index -> shown-but-not-chosen item indices (hard negatives)
    split: Split
    val: dict[int, set[int]]  # user index -> validation item indices
    test: dict[int, set[int]]
    train_seen: dict[int, set[int]]  # user index -> items seen in training (masked at evaluation)
    time_range: tuple[str, str]


def _by_user(df: pd.DataFrame, v: Vocabs) -> dict[int, set[int]]:
    pos = df[df["type"].isin(POSITIVE_TYPES) & df["product_id"].notna()]
    out: dict[int, set[int]] = {}
    for u, i in zip(v.users.encode(pos["user_id"]), v.items.encode(pos["product_id"])):
        if u > 0 and i > 0:
            out.setdefault(int(u), set()).add(int(i))
    return out


def prepare(snapshot_dir: str | Path, tcfg: TrainConfig, embed_text: TextEmbedder | None = None, split: Split | None = None) -> Prepared:
    snap = load_snapshot(snapshot_dir)
    split = split or time_split(snap.interactions)
    v = build_vocabs(snap)
    embed_text = embed_text or TextEmbedder()
    item_feats = build_item_features(snap, v, embed_text)
    user_feats, used = build_user_features(snap, v, item_feats, split.train, split.val_start, embed_text)
    pos = split.train[split.train["type"].isin(POSITIVE_TYPES) & split.train["product_id"].notna()]
    check_leakage(split, split.val_start, pd.concat([used, pos]))
    examples = torch.from_numpy(np.stack([v.users.encode(pos["user_id"]), v.items.encode(pos["product_id"])], 1))
    weights = torch.from_numpy(interaction_weights(pos, tcfg.interaction_weights))
    imp = split.train[split.train["type"] == "IMPRESSION"]
    impressions: dict[int, np.ndarray] = {}
    for u, grp in imp.assign(u=v.users.encode(imp["user_id"]), i=v.items.encode(imp["product_id"])).groupby("u"):
        impressions[int(u)] = grp["i"].to_numpy()
    t = split.train["occurred_at"]
    return Prepared(
        vocabs=v, item_feats=item_feats, user_feats=user_feats, examples=examples, weights=weights,
        impressions=impressions, split=split, val=_by_user(split.val, v), test=_by_user(split.test, v),
        train_seen=_by_user(split.train, v), time_range=(str(t.min()), str(t.max())),
    )


@dataclass
class CatalogFeatures:
    """What publishing needs from a snapshot: the vocabularies and the product tower's inputs."""

    vocabs: Vocabs
    item_feats: dict[str, torch.Tensor]


def prepare_catalog(snapshot_dir: str | Path, embed_text: TextEmbedder | None = None) -> CatalogFeatures:
    """The product side of prepare() alone: a republish embeds the catalogue and skips the user
    features, the split and the training examples (on the 100k-product bench: most of a minute)."""
    snap = load_snapshot(snapshot_dir, skip=("interactions", "businesses"))
    v = build_vocabs(snap)
    return CatalogFeatures(vocabs=v, item_feats=build_item_features(snap, v, embed_text or TextEmbedder()))


def model_config_for(prep: Prepared, base: ModelConfig | None = None) -> ModelConfig:
    cfg = ModelConfig(**asdict(base)) if base else ModelConfig()
    s = prep.vocabs.sizes()
    cfg.n_users, cfg.n_items = s["users"], s["items"]
    cfg.n_cities, cfg.n_genders = s["cities"], s["genders"]
    cfg.n_categories, cfg.n_brands = s["categories"], s["brands"]
    return cfg


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


@torch.no_grad()
def embed_all(model: TwoTower, prep: Prepared, device: torch.device, batch: int = 4096) -> tuple[torch.Tensor, torch.Tensor]:
    """(U, D) user and (I, D) item embeddings, eval mode, on CPU."""
    model.eval()
    outs = []
    for feats, tower in ((prep.user_feats, model.user_tower), (prep.item_feats, model.item_tower)):
        n = next(iter(feats.values())).shape[0]
        chunks = [tower({k: t[s : s + batch].to(device) for k, t in feats.items()}).float().cpu() for s in range(0, n, batch)]
        outs.append(torch.cat(chunks))
    model.train()
    return outs[0], outs[1]


def recall_at_k(u_emb: torch.Tensor, i_emb: torch.Tensor, truth: dict[int, set[int]], seen: dict[int, set[int]], k: int) -> float:
    """Mean Recall@k over users with held-out items; full ranking, training items and padding masked."""
    users = sorted(truth)
    if not users:
        return 0.0
    scores = u_emb[users] @ i_emb.T  # (n, I)
    scores[:, 0] = -torch.inf  # index 0 is the unknown/padding item
    for row, u in enumerate(users):
        if seen.get(u):
            scores[row, list(seen[u])] = -torch.inf
    top = torch.topk(scores, min(k, scores.shape[1] - 1), dim=1).indices
    return float(np.mean([len(truth[u] & set(top[r].tolist())) / len(truth[u]) for r, u in enumerate(users)]))


def hard_negatives(prep: Prepared, users: torch.Tensor, n_hard: int, item_text: torch.Tensor, pos_items: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """(B, n_hard) item indices: the user's impressions (shown, not chosen) first, topped up with the
    products closest in text to the positive (semantically close, likely confusable)."""
    out = torch.zeros(len(users), n_hard, dtype=torch.long)
    sims = item_text[pos_items] @ item_text.T  # (B, I)
    sims[torch.arange(len(users)), pos_items] = -torch.inf
    sims[:, 0] = -torch.inf
    close = torch.topk(sims, min(n_hard * 4, sims.shape[1] - 1), dim=1).indices  # (B, 4H)
    for r, u in enumerate(users.tolist()):
        shown = prep.impressions.get(u)
        picks: list[int] = []
        if shown is not None and len(shown):
            picks = shown[torch.randperm(len(shown), generator=gen)[:n_hard].numpy()].tolist()
        if len(picks) < n_hard:
            extra = close[r][torch.randperm(close.shape[1], generator=gen)[: n_hard - len(picks)]].tolist()
            picks += extra
        out[r, : len(picks)] = torch.tensor(picks[:n_hard])
    return out


def train(
    prep: Prepared, mcfg: ModelConfig, tcfg: TrainConfig, resume: bool = False, progress: bool = True,
    stop_after: int | None = None, on_epoch: Callable[[dict], None] | None = None,
) -> dict:
    """Returns a summary: best val Recall@K, epochs run, examples/s, loss and metric history.

    stop_after: leave after this many epochs in this call (a time-boxed run); `resume=True` continues
    exactly where it stopped, since the schedule is planned for tcfg.epochs either way.
    on_epoch: called with each epoch's history entry (val_recall included) after its checkpoints are
    written; an exception it raises (e.g. optuna.TrialPruned in tune.py) ends training there."""
    torch.manual_seed(tcfg.seed)
    random.seed(tcfg.seed)
    np.random.seed(tcfg.seed)
    torch.set_num_threads(tcfg.num_threads)
    device = pick_device(tcfg.device)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else torch.autocast("cpu", enabled=False)
    out = Path(tcfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    model = TwoTower(mcfg).to(device)
    temp = losses.Temperature(tcfg.temperature, tcfg.learn_temperature).to(device)
    opt = torch.optim.AdamW(list(model.parameters()) + list(temp.parameters()), lr=tcfg.lr, weight_decay=tcfg.weight_decay)
    n = len(prep.examples)
    steps_per_epoch = max(1, math.ceil(n / tcfg.batch_size))
    total = tcfg.epochs * steps_per_epoch
    warm = max(1, int(tcfg.warmup_frac * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, total - warm)))
    )
    counts = torch.bincount(prep.examples[:, 1], minlength=mcfg.n_items)
    log_q_all = losses.log_q_from_counts(counts).to(device)  # (I,)
    gen = torch.Generator().manual_seed(tcfg.seed)
    history: list[dict] = []
    start_epoch, best, bad = 0, -1.0, 0
    last = out / "last.pt"
    if resume and last.exists():
        ck = torch.load(last, weights_only=False)
        model.load_state_dict(ck["model"])
        temp.load_state_dict(ck["temp"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"])
        torch.set_rng_state(ck["torch_rng"])
        start_epoch, best, bad, history = ck["epoch"] + 1, ck["best"], ck["bad"], ck["history"]

    n_hard = tcfg.hard_negatives
    item_text = torch.nn.functional.normalize(prep.item_feats["text"], dim=-1)
    for epoch in range(start_epoch, tcfg.epochs):
        t0 = time.time()
        perm = torch.randperm(n, generator=gen)
        tot = 0.0
        bar = tqdm(range(0, n, tcfg.batch_size), desc=f"epoch {epoch}", unit="batch", disable=not progress, leave=False)
        for s in bar:
            idx = perm[s : s + tcfg.batch_size]
            users, items = prep.examples[idx, 0], prep.examples[idx, 1]
            ub = losses.feature_dropout(take(prep.user_feats, users), tcfg.feature_dropout, gen)
            ub = {k: t.to(device) for k, t in ub.items()}
            ib = {k: t.to(device) for k, t in take(prep.item_feats, items).items()}
            with autocast:
                u, v = model(ub, ib)  # (B, D), (B, D)
                hard = None
                if tcfg.loss == "softmax" and n_hard > 0:
                    hn = hard_negatives(prep, users, n_hard, item_text, items, gen)  # (B, H)
                    hb = {k: t.to(device) for k, t in take(prep.item_feats, hn.reshape(-1)).items()}
                    hard = model.item_tower(hb).view(len(idx), n_hard, -1)  # (B, H, D)
                if tcfg.loss == "softmax":
                    loss = losses.sampled_softmax(
                        u.float(), v.float(), temp(), item_ids=items.to(device),
                        log_q=log_q_all[items.to(device)] if tcfg.logq else None,
                        hard=None if hard is None else hard.float(), weights=prep.weights[idx].to(device),
                    )
                elif tcfg.loss == "infonce":
                    loss = losses.infonce(u.float(), v.float(), temp())
                elif tcfg.loss == "triplet":
                    loss = losses.triplet(u.float(), v.float(), tcfg.triplet_margin, items.to(device))
                else:
                    raise ValueError(f"unknown loss {tcfg.loss}")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
            bar.set_postfix(loss=f"{loss.item():.3f}", ex_s=f"{(s + len(idx)) / (time.time() - t0):.0f}")
        dt = time.time() - t0
        u_emb, i_emb = embed_all(model, prep, device)
        val = recall_at_k(u_emb, i_emb, prep.val, prep.train_seen, tcfg.eval_k)
        entry = {"epoch": epoch, "loss": tot / n, "val_recall": val, "examples_per_s": n / dt, "temperature": float(temp().detach())}
        history.append(entry)
        if val > best:
            best, bad = val, 0
            torch.save({"model": model.state_dict(), "model_cfg": asdict(mcfg), "train_cfg": asdict(tcfg), "epoch": epoch, "val_recall": val}, out / "best.pt")
        else:
            bad += 1
        torch.save(
            {"model": model.state_dict(), "temp": temp.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
             "gen": gen.get_state(), "torch_rng": torch.get_rng_state(), "epoch": epoch, "best": best, "bad": bad,
             "history": history, "model_cfg": asdict(mcfg), "train_cfg": asdict(tcfg)},
            last,
        )
        if progress:
            print(json.dumps(entry), flush=True)
        if on_epoch is not None:
            on_epoch(entry)
        if bad >= tcfg.patience or (stop_after is not None and epoch + 1 - start_epoch >= stop_after):
            break
    eps = [h["examples_per_s"] for h in history]
    return {"best_val_recall": best, "epochs": len(history), "examples_per_s": float(np.mean(eps)) if eps else 0.0, "history": history, "device": device.type}


def load_best(out_dir: str | Path) -> TwoTower:
    ck = torch.load(Path(out_dir) / "best.pt", weights_only=False)
    cfg = ModelConfig(**{**ck["model_cfg"], "hidden": tuple(ck["model_cfg"]["hidden"])})
    model = TwoTower(cfg)
    model.load_state_dict(ck["model"])
    return model.eval()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snapshot", required=True, help="directory written by data.snapshot (or `python -m training.data`)")
    p.add_argument("--out", default=TrainConfig.out_dir)
    p.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    p.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    p.add_argument("--lr", type=float, default=TrainConfig.lr)
    p.add_argument("--loss", default=TrainConfig.loss, choices=["softmax", "infonce", "triplet"])
    p.add_argument("--no-logq", action="store_true")
    p.add_argument("--hard-negatives", type=int, default=TrainConfig.hard_negatives)
    p.add_argument("--feature-dropout", type=float, default=TrainConfig.feature_dropout)
    p.add_argument("--id-only", action="store_true")
    p.add_argument("--resume", action="store_true")
    a = p.parse_args()
    tcfg = TrainConfig(
        epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, loss=a.loss, logq=not a.no_logq,
        hard_negatives=a.hard_negatives, feature_dropout=a.feature_dropout, out_dir=a.out,
    )
    prep = prepare(a.snapshot, tcfg)
    # ID-only: id (+ history) embeddings straight to the 128-d output, as in the Gowalla benchmark.
    mcfg = model_config_for(prep, ModelConfig(id_only=True, hidden=()) if a.id_only else ModelConfig())
    summary = train(prep, mcfg, tcfg, resume=a.resume)
    (Path(a.out) / "train_summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}))


if __name__ == "__main__":
    main()
