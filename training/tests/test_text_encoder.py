"""The MiniLM text encoder serving runs (training/text_encoder.py): parity with sentence-transformers'
encode(), the files serving reads, and the per-package-version cache."""
import json

import numpy as np
import onnxruntime as ort
import pytest
from tokenizers import Tokenizer

from training import text_encoder as TE
from training.export import file_sha


@pytest.fixture(scope="module")
def te_dir():
    # The shared cache (training/.cache/text_encoder/<key>): exported once (~15 s), then reused.
    return TE.export_text_encoder()


@pytest.fixture(scope="module")
def st_model():
    return TE.load_st_model()


def test_cache_is_keyed_by_package_version_and_reused(te_dir):
    assert te_dir.name == TE.cache_key() and TE.package_version() in te_dir.name
    before = {f: (te_dir / f).stat().st_mtime_ns for f in TE.FILES}
    assert TE.export_text_encoder() == te_dir
    assert {f: (te_dir / f).stat().st_mtime_ns for f in TE.FILES} == before  # not exported again


def test_parity_with_sentence_transformers_encode(te_dir, st_model):
    texts = TE.PARITY_TEXTS + ["", "Rabea Black Tea Bags 10 pcs / شاي أسود ربيع أكياس ١٠ حبات", "Al Baik broasted chicken 8 pcs"]
    assert any(len(t.split()) > 300 for t in texts) and any("حليب" in t for t in texts)
    diff = TE.parity(te_dir / "text_encoder.onnx", te_dir / "tokenizer.json", st_model, texts)
    assert diff <= TE.PARITY_TOL, diff


def test_config_and_files(te_dir, st_model):
    cfg = json.loads((te_dir / "text_encoder.json").read_text())
    assert cfg["max_seq_length"] == st_model.max_seq_length == 256
    assert cfg["do_lower_case"] is False and cfg["tokenizer_lowercases"] is True
    assert cfg["sha256"] == file_sha(te_dir / "text_encoder.onnx")
    assert cfg["tokenizer_sha256"] == file_sha(te_dir / "tokenizer.json")
    assert cfg["parity_max_abs_diff"] <= TE.PARITY_TOL and cfg["opset"] == 17 and cfg["embedding_dim"] == 384
    tok = json.loads((te_dir / "tokenizer.json").read_text())
    assert tok["truncation"]["max_length"] == 256 and tok["model"]["type"] == "WordPiece"

    sess = ort.InferenceSession(str(te_dir / "text_encoder.onnx"), providers=["CPUExecutionProvider"])
    ins = {i.name: i for i in sess.get_inputs()}
    assert list(ins) == ["input_ids", "attention_mask", "token_type_ids"]
    assert all(i.type == "tensor(int64)" and i.shape == ["batch", "seq"] for i in ins.values())
    out = sess.get_outputs()[0]
    assert out.name == "embedding" and out.type == "tensor(float)" and out.shape == ["batch", 384]

    # Dynamic batch and sequence: 3 texts padded to the longest; unit vectors.
    feeds = TE.tokenize(Tokenizer.from_file(str(te_dir / "tokenizer.json")), ["a", "fresh milk", "حليب طازج كامل الدسم"])
    emb = sess.run(["embedding"], feeds)[0]
    assert emb.shape == (3, 384) and np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-5)


def test_truncation_rule_in_config_matches_the_tokenizer(te_dir):
    """Serving's tokenizer (tokenizers.js) ignores tokenizer.json's truncation block: the rule written
    in text_encoder.json must give the same ids as the truncating tokenizer."""
    tok = Tokenizer.from_file(str(te_dir / "tokenizer.json"))
    raw = Tokenizer.from_file(str(te_dir / "tokenizer.json"))
    raw.no_truncation()
    cfg = json.loads((te_dir / "text_encoder.json").read_text())
    n, sep = cfg["max_seq_length"], cfg["special_tokens"]["sep"]
    long = TE.PARITY_TEXTS[-1]
    ids = raw.encode(long).ids
    assert len(ids) > n
    assert ids[: n - 1] + [sep] == tok.encode(long).ids
    assert raw.encode("fresh milk").ids == tok.encode("fresh milk").ids  # short texts untouched


def test_install_into_export_dir(te_dir, tmp_path):
    cfg = TE.install_into(tmp_path)
    for f in TE.FILES:
        assert (tmp_path / f).is_file() and file_sha(tmp_path / f) == file_sha(te_dir / f)
    assert cfg["sha256"] == file_sha(tmp_path / "text_encoder.onnx")
    TE.install_into(tmp_path)  # again over existing files
    assert file_sha(tmp_path / "text_encoder.onnx") == cfg["sha256"]
