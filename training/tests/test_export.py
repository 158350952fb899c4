import json
import os
from types import SimpleNamespace

import numpy as np
import onnxruntime as ort
import torch

from training import features as F
from training.config import ModelConfig
from training.data import POSITIVE_TYPES
from training.export import PARITY_TOL, VOCAB_NAMES, export, parity, vocab_fingerprint
from training.model import TwoTower
from training.train import model_config_for


def batches(prepared, n=8):
    idx = torch.arange(1, n + 1)
    return {k: t[idx] for k, t in prepared.user_feats.items()}, {k: t[idx] for k, t in prepared.item_feats.items()}


def test_export_parity_and_metadata(prepared, tmp_path):
    torch.manual_seed(0)
    model = TwoTower(model_config_for(prepared, ModelConfig(hidden=(64,), out_dim=128))).eval()
    ub, ib = batches(prepared)
    meta = export(model, ub, ib, tmp_path, 7, prepared.vocabs, prepared.time_range, {"recall@50": 0.5})
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
    export(a, ub, ib, tmp_path, 1, prepared.vocabs, ("", ""), {}, text_encoder=False)
    assert parity(tmp_path / "item_tower.onnx", b.item_tower, {"item_id": ib["item_id"]}, ("item_id",)) > PARITY_TOL


def test_export_dir_has_everything_serving_needs(prepared, tmp_path):
    torch.manual_seed(0)
    model = TwoTower(model_config_for(prepared, ModelConfig(hidden=(64,), out_dim=128))).eval()
    ub, ib = batches(prepared)
    meta = export(model, ub, ib, tmp_path, 3, prepared.vocabs, prepared.time_range, {})
    files = {"user_tower.onnx", "item_tower.onnx", "metadata.json", "vocabs.json", "text_encoder.onnx", "tokenizer.json", "text_encoder.json"}
    assert files <= {p.name for p in tmp_path.iterdir()}

    # vocabs.json: every vocabulary's tokens in index order; the metadata's fingerprints are those of this file.
    vocabs = json.loads((tmp_path / "vocabs.json").read_text())
    assert set(vocabs) == set(VOCAB_NAMES)
    for k in VOCAB_NAMES:
        v = getattr(prepared.vocabs, k)
        assert vocabs[k] == v.tokens
        assert vocab_fingerprint(vocabs[k]) == meta["vocab_fingerprints"][k] == v.fingerprint()
        assert meta["vocab_sizes"][k] == len(vocabs[k]) + 1
        if vocabs[k]:  # index = position + 1
            assert v.encode([vocabs[k][0], vocabs[k][-1], "never-seen"]).tolist() == [1, len(vocabs[k]), 0]

    s = meta["serving"]
    assert (s["history_max"], s["session_len"], s["prefs_max"]) == (ub["hist_ids"].shape[1], ub["session_ids"].shape[1], ub["pref_cats"].shape[1]) == (200, 20, 8)
    assert (s["visual_last"], s["query_last"]) == (20, 5)
    assert s["positive_types"] == list(POSITIVE_TYPES) and s["age_groups"] == list(F.AGE_GROUPS) and s["verticals"] == list(F.VERTICALS)
    assert s["product_text"] == "{title}. {category}. {brand}. {description}"
    assert s["files"] == {"vocabs": "vocabs.json", "text_encoder": "text_encoder.onnx", "tokenizer": "tokenizer.json", "text_encoder_config": "text_encoder.json"}
    assert json.loads((tmp_path / "metadata.json").read_text())["serving"] == s
    assert meta["model_version"] == 3 and meta["towers"]["user"]["file"] == "user_tower.onnx"

    # The text encoder files are the cache's (hard links when on the same file system), sha-checked.
    te = json.loads((tmp_path / "text_encoder.json").read_text())
    assert meta["text_encoder"]["sha256"] == te["sha256"] and te["max_seq_length"] == 256
    from training.export import file_sha
    assert file_sha(tmp_path / "text_encoder.onnx") == te["sha256"]


def test_product_text_matches_the_serving_description():
    row = SimpleNamespace(title="Milk 1L", category="dairy", brand=None, description="  Fresh  ")
    assert F.product_text(row) == "Milk 1L. dairy. .   Fresh"  # only the ends are stripped
    # pandas 3 reads a NULL string column as NaN: still '' (it used to become the word "nan")
    assert F.product_text(SimpleNamespace(title="Tea", category="tea", brand=float("nan"), description="")) == "Tea. tea. ."
    assert F.product_text(SimpleNamespace(title=" Pizza", category="pizza", brand="Roma", description="hot")) == "Pizza. pizza. Roma. hot"
