import json

import training.ablation as ablation
from training.config import ModelConfig, TrainConfig
from training.train import model_config_for


def test_ablation_trains_each_variant_with_its_switches(prepared, tmp_path, monkeypatch):
    seen: dict[str, tuple[TrainConfig, ModelConfig]] = {}
    real_train = ablation.train

    def spy(prep, mcfg, tcfg, **kw):
        seen[tcfg.out_dir.rsplit("/", 1)[-1]] = (tcfg, mcfg)
        return real_train(prep, mcfg, tcfg, **kw)

    monkeypatch.setattr(ablation, "train", spy)
    base = ModelConfig(user_id_dim=8, demo_dim=8, pref_dim=8, visual_dim=16, session_dim=8, item_id_dim=8, attr_dim=8, hidden=(32,), out_dim=16)
    mcfg = model_config_for(prepared, base)
    tcfg = TrainConfig(epochs=1, batch_size=256, hard_negatives=2, feature_dropout=0.2, logq=True)
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "report.md").write_text("# Evaluation report\n\n## all\n")
    out = ablation.run_ablation(prepared, mcfg, tcfg, tmp_path)

    expected = {
        "full": (True, 2, 0.2, False), "no-logq": (False, 2, 0.2, False),
        "no-hard-negatives": (True, 0, 0.2, False), "no-feature-dropout": (True, 2, 0.0, False),
        "id-only": (True, 2, 0.2, True),
    }
    assert {n: (t.logq, t.hard_negatives, t.feature_dropout, m.id_only) for n, (t, m) in seen.items()} == expected
    assert seen["id-only"][1].hidden == () and seen["full"][1].hidden == mcfg.hidden
    saved = json.loads((tmp_path / "report" / "ablation.json").read_text())
    trained = {n: v for n, v in saved["variants"].items() if v["switches"] is not None}
    assert {n: tuple(v["switches"].values()) for n, v in trained.items()} == expected
    assert saved["variants"]["most-popular"]["switches"] is None  # the untrained reference row
    assert saved == json.loads(json.dumps(out))
    for v in saved["variants"].values():
        assert v["all"]["recall@50"] is not None and "recall@50" in v["cold"]
    md = (tmp_path / "report" / "ablation.md").read_text()
    assert md.startswith("## Ablation") and all(f"| {n}" in md for n in [*expected, "most-popular"])
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## all" in report and report.count("## Ablation") == 1
    # Re-running replaces the section instead of appending a second one.
    ablation.run_ablation(prepared, mcfg, tcfg, tmp_path)
    assert (tmp_path / "report" / "report.md").read_text().count("## Ablation") == 1
