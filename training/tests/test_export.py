import json

import numpy as np
import onnxruntime as ort
import torch

from training.config import ModelConfig
from training.export import PARITY_TOL, export, parity
from training.model import TwoTower
from training.train import model_config_for


def batches(prepared, n=8):
    idx = torch.arange(1, n + 1)
    return {k: t[idx] for k, t in prepared.user_feats.items()}, {k: t[idx] for k, t in prepared.item_feats.items()}


def test_export_parity_and_metadata(prepared, tmp_path):
    torch.manual_seed(0)
    model = TwoTower(model_config_for(prepared, ModelConfig(hidden=(64,), out_dim=128))).eval()
    ub, ib = batches(prepared)
    meta = export(model, ub, ib, tmp_path, 7, prepared.vocabs.fingerprints(), prepared.time_range, {"recall@50": 0.5})
    for t in ("user", "item"):
        assert meta["towers"][t]["parity_max_abs_diff"] <= PARITY_TOL
    on_disk = json.loads((tmp_path / "metadata.json").read_text())
    assert on_disk["model_version"] == 7 and on_disk["embedding_dim"] == 128 and on_disk["opset"] == 17
    assert on_disk["vocab_fingerprints"] == prepared.vocabs.fingerprints()
    assert [i["name"] for i in on_disk["towers"]["item"]["inputs"]][:2] == ["item_id", "category"]
    # Dynamic batch: a batch of a different size through ONNX Runtime still matches PyTorch.
    idx = torch.arange(1, 31)
    big = {k: t[idx] for k, t in prepared.item_feats.items()}
    sess = ort.InferenceSession(str(tmp_path / "item_tower.onnx"))
    names = [i["name"] for i in on_disk["towers"]["item"]["inputs"]]
    got = sess.run(["embedding"], {k: big[k].numpy() for k in names})[0]
    with torch.no_grad():
        want = model.item_tower(big).numpy()
    assert got.shape == (30, 128) and np.abs(got - want).max() <= PARITY_TOL


def test_parity_detects_a_different_model(prepared, tmp_path):
    torch.manual_seed(0)
    cfg = model_config_for(prepared, ModelConfig(id_only=True, hidden=(), out_dim=128))
    a, b = TwoTower(cfg).eval(), TwoTower(cfg).eval()
    ub, ib = batches(prepared)
    export(a, ub, ib, tmp_path, 1, {}, ("", ""), {})
    assert parity(tmp_path / "item_tower.onnx", b.item_tower, {"item_id": ib["item_id"]}, ("item_id",)) > PARITY_TOL
