import json

import optuna

from training.config import ModelConfig, TrainConfig
from training.train import model_config_for
from training.tune import SEARCHED, tune


def test_tune_writes_best_params_and_records_trial_states(prepared, tmp_path):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = ModelConfig(user_id_dim=8, demo_dim=8, pref_dim=8, visual_dim=16, session_dim=8, item_id_dim=8, attr_dim=8, hidden=(32,), out_dim=16)
    mcfg = model_config_for(prepared, base)
    tcfg = TrainConfig(epochs=2, batch_size=256, patience=10, eval_k=20)
    # startup_trials=1, warmup 0: the third trial can already be pruned after its first epoch.
    study = tune(prepared, mcfg, tcfg, tmp_path, n_trials=3, search_width=True, startup_trials=1, warmup_epochs=0)
    out = json.loads((tmp_path / "best_params.json").read_text())
    assert set(SEARCHED) | {"out_dim"} == set(out["best_params"])
    assert 0.0 <= out["best_value"] <= 1.0
    assert len(out["trials"]) == 3
    assert all(t["state"] in ("COMPLETE", "PRUNED") for t in out["trials"])
    assert out["trials"][0]["state"] == "COMPLETE" and out["trials"][0]["intermediate"]  # per-epoch reports
    assert [t.state.name for t in study.trials] == [t["state"] for t in out["trials"]]
