"""Hyperparameter search for Souk's two-tower with Optuna (TPE sampler + MedianPruner).

    training/.venv/bin/python -m training.tune --snapshot training/runs/snap --trials 20 --timeout 3600 \\
        --out training/runs/tune1 [--epochs 5] [--search-width] [--id-only]

Searched: learning rate (log-uniform), initial temperature, hard negatives per example (the mix
ratio against the B-1 in-batch negatives), feature-dropout rate, and with --search-width the output
embedding width (off by default: the database column is vector(128), so a non-128 winner cannot be
published as is). Each trial is one `train.train` run on the same prepared snapshot; its validation
Recall@K is reported to Optuna after every epoch (train's `on_epoch` hook) so MedianPruner stops
trials that fall below the median of earlier trials at the same epoch.

Writes to --out: best_params.json (best params, best value, every trial's state/value/params) and one
checkpoint directory per trial (trial_<n>/best.pt). Train the winner with `training.train` and its flags.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from pathlib import Path

import optuna

from training.config import ModelConfig, TrainConfig
from training.train import Prepared, model_config_for, prepare, train

SEARCHED = ("lr", "temperature", "hard_negatives", "feature_dropout")
WIDTHS = (64, 128, 256)


def suggest(trial: optuna.Trial, mcfg: ModelConfig, tcfg: TrainConfig, search_width: bool) -> tuple[ModelConfig, TrainConfig]:
    """The configs for one trial: base configs with the searched fields replaced."""
    t = replace(
        tcfg,
        lr=trial.suggest_float("lr", 3e-4, 3e-2, log=True),
        temperature=trial.suggest_float("temperature", 0.03, 0.3, log=True),
        hard_negatives=trial.suggest_int("hard_negatives", 0, 16),
        feature_dropout=trial.suggest_float("feature_dropout", 0.0, 0.5),
    )
    m = replace(mcfg, out_dim=trial.suggest_categorical("out_dim", list(WIDTHS))) if search_width else mcfg
    return m, t


def tune(
    prep: Prepared, mcfg: ModelConfig, tcfg: TrainConfig, out_dir: str | Path, n_trials: int, timeout: float | None = None,
    search_width: bool = False, seed: int = 0, startup_trials: int = 2, warmup_epochs: int = 1, progress: bool = False,
) -> optuna.Study:
    """Runs the study, writes out_dir/best_params.json, returns the study."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def objective(trial: optuna.Trial) -> float:
        m, t = suggest(trial, mcfg, tcfg, search_width)
        t = replace(t, out_dir=str(out / f"trial_{trial.number}"))

        def report(entry: dict) -> None:
            trial.report(entry["val_recall"], entry["epoch"])
            if trial.should_prune():
                raise optuna.TrialPruned()

        summary = train(prep, m, t, progress=progress, on_epoch=report)
        trial.set_user_attr("epochs", summary["epochs"])
        trial.set_user_attr("examples_per_s", summary["examples_per_s"])
        return summary["best_val_recall"]

    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=startup_trials, n_warmup_steps=warmup_epochs),
    )
    study.optimize(objective, n_trials=n_trials, timeout=timeout)
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    result = {
        "metric": f"val_recall@{tcfg.eval_k}",
        "best_value": study.best_value if done else None,
        "best_params": study.best_params if done else None,
        "best_trial": study.best_trial.number if done else None,
        "base_train_config": asdict(tcfg),
        "base_model_config": asdict(mcfg),
        "trials": [
            {"number": t.number, "state": t.state.name, "value": t.value, "params": t.params,
             "intermediate": {str(k): v for k, v in t.intermediate_values.items()}, **t.user_attrs}
            for t in study.trials
        ],
    }
    (out / "best_params.json").write_text(json.dumps(result, indent=2, default=str))
    return study


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snapshot", required=True)
    p.add_argument("--out", required=True, help="study directory: best_params.json + trial_<n>/ checkpoints")
    p.add_argument("--trials", type=int, default=20)
    p.add_argument("--timeout", type=float, default=None, help="seconds for the whole study")
    p.add_argument("--epochs", type=int, default=5, help="epochs per trial (early stopping and pruning may cut it)")
    p.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    p.add_argument("--search-width", action="store_true", help="also search out_dim in 64/128/256")
    p.add_argument("--id-only", action="store_true")
    p.add_argument("--startup-trials", type=int, default=2, help="MedianPruner: trials before pruning starts")
    p.add_argument("--warmup-epochs", type=int, default=1, help="MedianPruner: epochs before a trial can be pruned")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    tcfg = TrainConfig(epochs=a.epochs, batch_size=a.batch_size, out_dir=a.out)
    prep = prepare(a.snapshot, tcfg)
    mcfg = model_config_for(prep, ModelConfig(id_only=True, hidden=()) if a.id_only else ModelConfig())
    study = tune(prep, mcfg, tcfg, a.out, a.trials, a.timeout, a.search_width, a.seed, a.startup_trials, a.warmup_epochs, progress=True)
    states = {s: sum(t.state.name == s for t in study.trials) for s in ("COMPLETE", "PRUNED", "FAIL")}
    print(json.dumps({"best": json.loads((Path(a.out) / "best_params.json").read_text())["best_params"], "trials": states}))


if __name__ == "__main__":
    main()
