import json

import training.ablation as ablation
from training.config import ModelConfig, TrainConfig
from training.train import model_config_for


def test_ablation_trains_four_variants_with_right_switches(prepared, tmp_path, monkeypatch):
    seen: dict[str, TrainConfig] = {}
    real_train = ablation.train

    def spy(prep, mcfg, tcfg, **kw):
        seen[tcfg.out_dir.rsplit("/", 1)[-1]] = tcfg
        return real_train(prep, mcfg, tcfg, **kw)

    monkeypatch.setattr(ablation, "train", spy)
    base = ModelConfig(user_id_dim=8, demo_dim=8, pref_dim=8, visual_dim=16, session_dim=8, item_id_dim=8, attr_dim=8, hidden=(32,), out_dim=16)
    mcfg = model_config_for(prepared, base)
    tcfg = TrainConfig(epochs=1, batch_size=256, hard_negatives=2, feature_dropout=0.2, logq=True)
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "report.md").write_text("# Evaluation report\n\n## all\n")
    out = ablation.run_ablation(prepared, mcfg, tcfg, tmp_path)

    expected = {
        "full": (True, 2, 0.2), "no-logq": (False, 2, 0.2),
        "no-hard-negatives": (True, 0, 0.2), "no-feature-dropout": (True, 2, 0.0),
    }
    assert {n: (t.logq, t.hard_negatives, t.feature_dropout) for n, t in seen.items()} == expected
    saved = json.loads((tmp_path / "report" / "ablation.json").read_text())
    assert {n: tuple(v["switches"].values()) for n, v in saved["variants"].items()} == expected
    assert saved == json.loads(json.dumps(out))
    for v in saved["variants"].values():
        assert v["all"]["recall@50"] is not None and "recall@50" in v["cold"]
    md = (tmp_path / "report" / "ablation.md").read_text()
    assert md.startswith("## Ablation") and all(f"| {n} |" in md for n in expected)
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## all" in report and report.count("## Ablation") == 1
    # Re-running replaces the section instead of appending a second one.
    ablation.run_ablation(prepared, mcfg, tcfg, tmp_path)
    assert (tmp_path / "report" / "report.md").read_text().count("## Ablation") == 1
