"""Export the two towers to two ONNX files plus a metadata JSON that serving checks at start-up.

    training/.venv/bin/python -m training.export --run training/runs/v1 --out training/runs/v1/export

Writes user_tower.onnx, item_tower.onnx and metadata.json (model version, dims, feature schema with
input names/dtypes/shapes, vocabulary fingerprints, opset, training data time range, metrics).
`export()` runs the parity check itself: ONNX Runtime vs PyTorch on a batch, max |diff| <= 1e-4, and
refuses (raises) otherwise, so an artefact that exists has passed parity.
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


def export(
    model: TwoTower, user_batch: dict[str, torch.Tensor], item_batch: dict[str, torch.Tensor], out_dir: str | Path,
    version: int, vocab_fingerprints: dict[str, str], time_range: tuple[str, str], metrics: dict,
) -> dict:
    """user_batch / item_batch: a few real rows per tower (their shapes define the schema, their values
    the parity check). Returns the metadata written to out_dir/metadata.json."""
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
    cfg = asdict(model.cfg)
    meta = {
        "model_version": version,
        "embedding_dim": model.cfg.out_dim,
        "normalized": True,  # both towers L2-normalise: dot product == cosine
        "opset": OPSET,
        "model_config": cfg,
        "towers": report,
        "vocab_fingerprints": vocab_fingerprints,
        "training_data_time_range": list(time_range),
        "metrics": metrics,
        "torch_version": torch.__version__,
    }
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
    meta = export(model, ub, ib, a.out or Path(a.run) / "export", a.version, prep.vocabs.fingerprints(), prep.time_range, metrics)
    print(json.dumps({k: meta[k] for k in ("model_version", "embedding_dim", "opset")}))


if __name__ == "__main__":
    main()
