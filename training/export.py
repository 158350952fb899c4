"""Export everything serving needs into one directory; serving checks metadata.json at start-up.

    training/.venv/bin/python -m training.export --snapshot training/runs/snap --run training/runs/v1 --version 1

The export dir (default <run>/export):

    user_tower.onnx, item_tower.onnx   the two towers (opset 17, dynamic batch)
    metadata.json                      model version, dims, feature schema with input names/dtypes/
                                       shapes, vocabulary fingerprints, opset, training data time
                                       range, metrics, and a "serving" section: how to rebuild every
                                       input exactly (lengths, event types, enums, product text)
    vocabs.json                        {"users", "items", "cities", "genders", "categories", "brands"}:
                                       tokens in index order (index = position + 1, 0 = unknown)
    text_encoder.onnx, tokenizer.json, text_encoder.json
                                       MiniLM for new products' text and live queries
                                       (training/text_encoder.py; hard links into its cache)

`export()` runs the parity check itself: ONNX Runtime vs PyTorch on a batch, max |diff| <= 1e-4, and
refuses (raises) otherwise, so an artefact that exists has passed parity (the text encoder's own
parity check runs when its cache is built).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from training import features as F
from training.data import POSITIVE_TYPES
from training.model import ITEM_KEYS, ITEM_KEYS_ID_ONLY, USER_KEYS, USER_KEYS_ID_ONLY, TwoTower

OPSET = 17
PARITY_TOL = 1e-4


class ParityError(RuntimeError):
    pass


class _Tower(nn.Module):
    """Positional-argument wrapper: ONNX inputs are named after the batch keys, in `keys` order."""

    def __init__(self, tower: nn.Module, keys: tuple[str, ...]):
        super().__init__()
        self.tower, self.keys = tower, keys

    def forward(self, *args: torch.Tensor) -> torch.Tensor:
        return self.tower(dict(zip(self.keys, args)))


def tower_keys(model: TwoTower) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if model.cfg.id_only:
        return USER_KEYS_ID_ONLY, ITEM_KEYS_ID_ONLY
    return USER_KEYS, ITEM_KEYS


def schema(batch: dict[str, torch.Tensor], keys: tuple[str, ...]) -> list[dict]:
    """Per input: name, dtype, shape with the batch dimension as "batch"."""
    return [{"name": k, "dtype": str(batch[k].dtype).replace("torch.", ""), "shape": ["batch", *batch[k].shape[1:]]} for k in keys]


def _onnx_export(module: nn.Module, batch: dict[str, torch.Tensor], keys: tuple[str, ...], path: Path) -> None:
    args = tuple(batch[k] for k in keys)
    dyn = {k: {0: "batch"} for k in keys}
    dyn["embedding"] = {0: "batch"}
    # The TorchScript exporter (dynamo=False) needs no extra package (the dynamo one wants onnxscript)
    # and handles these plain towers fully; its deprecation warning is expected.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            _Tower(module, keys).eval(), args, str(path), input_names=list(keys), output_names=["embedding"],
            dynamic_axes=dyn, opset_version=OPSET, dynamo=False,
        )


def parity(path: Path, module: nn.Module, batch: dict[str, torch.Tensor], keys: tuple[str, ...]) -> float:
    """Max absolute difference between ONNX Runtime and PyTorch outputs on `batch`."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = sess.run(["embedding"], {k: batch[k].numpy() for k in keys})[0]
    with torch.no_grad():
        want = module.eval()(batch).numpy()
    return float(np.abs(got - want).max())


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


VOCAB_NAMES = ("users", "items", "cities", "genders", "categories", "brands")
SERVING_FILES = {
    "vocabs": "vocabs.json", "text_encoder": "text_encoder.onnx", "tokenizer": "tokenizer.json",
    "text_encoder_config": "text_encoder.json",
}


def vocab_fingerprint(tokens: list[str]) -> str:
    """features.Vocab.fingerprint of a token list (as vocabs.json stores it)."""
    return hashlib.sha256("\n".join(tokens).encode()).hexdigest()[:16]


def write_vocabs(vocabs: "F.Vocabs", out: Path) -> dict[str, str]:
    """vocabs.json; returns the fingerprints of exactly what was written."""
    data = {k: [str(t) for t in getattr(vocabs, k).tokens] for k in VOCAB_NAMES}
    (out / SERVING_FILES["vocabs"]).write_text(json.dumps(data, ensure_ascii=False))
    return {k: vocab_fingerprint(v) for k, v in data.items()}


def serving_section(user_batch: dict[str, torch.Tensor]) -> dict:
    """How serving rebuilds the towers' inputs exactly as features.py does (lengths from the exported
    batch's shapes where the tower has that input, else features.py's constants)."""
    def width(key: str, default: int) -> int:
        return int(user_batch[key].shape[1]) if key in user_batch else default

    return {
        "history_max": width("hist_ids", F.HISTORY_MAX),
        "session_len": width("session_ids", F.SESSION_LEN),
        "prefs_max": width("pref_cats", F.PREFS_MAX),
        "visual_last": F.VISUAL_LAST,
        "query_last": F.QUERY_LAST,
        "positive_types": list(POSITIVE_TYPES),
        "age_groups": list(F.AGE_GROUPS),
        "verticals": list(F.VERTICALS),
        "product_text": F.PRODUCT_TEXT,
        "product_text_rules": (
            "Python str.format of the template with title, category, brand, description of the product; a NULL "
            "field becomes '' (so a product without brand gives 'Title. category. . description'); then "
            "str.strip() removes leading/trailing whitespace of the whole string. No other change (case, inner "
            "whitespace kept). The result goes to the text encoder as is."
        ),
        "vocab_index": "index = position in the vocabs.json list + 1; 0 = unknown / padding (an unseen value maps to 0)",
        "inputs": {
            "user_id": "vocabs.users index",
            "hist_ids/hist_mask": (
                "the user's events with type in positive_types and a product_id, strictly before now, ordered by "
                "(occurred_at, id) ascending; their product indices (vocabs.items; unknown products give 0 but still "
                "occupy a slot with mask 1); keep the last history_max; left-aligned oldest first, right-padded with "
                "id 0 / mask 0.0"
            ),
            "session_ids/session_mask": "the last session_len entries of that same list, laid out the same way",
            "visual_pref": (
                "sum of item image vectors (product_images.embedding, zeros when a product has none or is unknown) of "
                "the last visual_last entries of that list, divided by their count (max(count, 1)); zeros if none"
            ),
            "query_text": (
                "mean (not re-normalised) of the text encoder's vectors of the raw query strings of the user's last "
                "query_last SEARCH events with a non-NULL query, same ordering; zeros if none"
            ),
            "pref_cats/pref_brands (+ _mask)": (
                "the first prefs_max of users.favourite_categories / favourite_brands, mapped through vocabs.categories / "
                "vocabs.brands, unknown ones dropped (after the cut), left-aligned, padded with 0 / mask 0.0"
            ),
            "age_group": "1 + position in age_groups; 0 if NULL or unknown",
            "gender": "vocabs.genders index", "city": "vocabs.cities index",
            "item_id": "vocabs.items index", "category": "vocabs.categories index", "brand": "vocabs.brands index",
            "price_range": "products.price_range (1..4); 0 if NULL",
            "vertical": "1 + position in verticals of the product's business vertical; 0 if unknown",
            "text": "text encoder vector of product_text (384, L2-normalised)",
            "image": "product_images.embedding (1280); zeros if none",
        },
        "files": dict(SERVING_FILES),
    }


def export(
    model: TwoTower, user_batch: dict[str, torch.Tensor], item_batch: dict[str, torch.Tensor], out_dir: str | Path,
    version: int, vocabs: "F.Vocabs", time_range: tuple[str, str], metrics: dict, text_encoder: bool = True,
    text_encoder_cache: str | Path | None = None,
) -> dict:
    """user_batch / item_batch: a few real rows per tower (their shapes define the schema, their values
    the parity check). vocabs: the run's vocabularies (vocabs.json; the metadata's fingerprints are
    computed from what is written there). text_encoder=False leaves the MiniLM files out (tests of the
    towers alone). Returns the metadata written to out_dir/metadata.json."""
    if not isinstance(vocabs, F.Vocabs):
        raise TypeError("export() takes the run's features.Vocabs (it writes vocabs.json and their fingerprints)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = model.eval().cpu()
    ukeys, ikeys = tower_keys(model)
    report = {}
    for name, tower, batch, keys in (("user", model.user_tower, user_batch, ukeys), ("item", model.item_tower, item_batch, ikeys)):
        path = out / f"{name}_tower.onnx"
        _onnx_export(tower, batch, keys, path)
        diff = parity(path, tower, batch, keys)
        if not diff <= PARITY_TOL:
            raise ParityError(f"{name} tower: ONNX vs PyTorch max abs diff {diff:.2e} > {PARITY_TOL:.0e}")
        report[name] = {"file": path.name, "sha256": file_sha(path), "inputs": schema(batch, keys), "parity_max_abs_diff": diff}
    fingerprints = write_vocabs(vocabs, out)
    te = None
    if text_encoder:
        from training import text_encoder as TE

        te = TE.install_into(out, text_encoder_cache or TE.DEFAULT_CACHE)
    cfg = asdict(model.cfg)
    meta = {
        "model_version": version,
        "embedding_dim": model.cfg.out_dim,
        "normalized": True,  # both towers L2-normalise: dot product == cosine
        "opset": OPSET,
        "model_config": cfg,
        "towers": report,
        "vocab_fingerprints": fingerprints,
        "vocab_sizes": {k: len(getattr(vocabs, k)) for k in VOCAB_NAMES},  # incl. index 0
        "training_data_time_range": list(time_range),
        "metrics": metrics,
        "torch_version": torch.__version__,
        "serving": serving_section(user_batch),
    }
    if te is not None:
        meta["text_encoder"] = {k: te[k] for k in ("sha256", "tokenizer_sha256", "max_seq_length", "embedding_dim", "parity_max_abs_diff", "package_version")}
    else:
        meta["serving"]["files"] = {k: v for k, v in SERVING_FILES.items() if k == "vocabs"}
    (out / "metadata.json").write_text(json.dumps(meta, indent=2, default=str))
    return meta


def main() -> None:
    from training.config import TrainConfig
    from training.train import load_best, prepare

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="training output dir (best.pt)")
    p.add_argument("--snapshot", required=True, help="snapshot the run was trained on (vocabularies, sample rows)")
    p.add_argument("--out", default=None)
    p.add_argument("--version", type=int, required=True)
    a = p.parse_args()
    model = load_best(a.run)
    prep = prepare(a.snapshot, TrainConfig())
    idx = torch.arange(1, min(9, model.cfg.n_items))
    ub = {k: t[idx.clamp_max(t.shape[0] - 1)] for k, t in prep.user_feats.items()}
    ib = {k: t[idx] for k, t in prep.item_feats.items()}
    metrics_path = Path(a.run) / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    meta = export(model, ub, ib, a.out or Path(a.run) / "export", a.version, prep.vocabs, prep.time_range, metrics)
    print(json.dumps({k: meta[k] for k in ("model_version", "embedding_dim", "opset")}))


if __name__ == "__main__":
    main()
