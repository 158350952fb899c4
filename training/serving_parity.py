"""User vectors as training computes them, for the serving parity test.

    training/.venv/bin/python -m training.serving_parity --snapshot S --export E --users u1,u2 [--as-of ISO]

Builds each user's tower inputs with features.build_user_features from the snapshot (every
interaction before --as-of, default: after the last one) and runs the exported user tower in ONNX
Runtime. Prints one JSON object {user_id: [embedding...]}. The TypeScript serving path builds the
same inputs from the live database (subgraphs/recommendations/src/features/); a test compares the
two, so a change to either side that skews training and serving fails it.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd


def user_vectors(snapshot_dir: str, export_dir: str, users: list[str], as_of: str | None = None) -> dict[str, list[float]]:
    import onnxruntime as ort

    from training.data import load_snapshot
    from training.features import TextEmbedder, build_item_features, build_user_features, build_vocabs

    snap = load_snapshot(snapshot_dir)
    v = build_vocabs(snap)
    meta = json.loads((Path(export_dir) / "metadata.json").read_text())
    if v.fingerprints() != {k: meta["vocab_fingerprints"][k] for k in v.fingerprints()}:
        raise SystemExit("the snapshot's vocabularies are not the export's: use the snapshot the model was trained on")
    inter = snap.interactions
    cut = pd.Timestamp(as_of) if as_of else inter["occurred_at"].max() + pd.Timedelta(seconds=1)
    embed = TextEmbedder()
    item_feats = build_item_features(snap, v, embed)
    s = meta["serving"]
    feats, _ = build_user_features(snap, v, item_feats, inter, cut, embed, history_max=s["history_max"], session_len=s["session_len"], prefs_max=s["prefs_max"])
    idx = v.users.encode(users)
    sess = ort.InferenceSession(str(Path(export_dir) / meta["towers"]["user"]["file"]), providers=["CPUExecutionProvider"])
    names = [i["name"] for i in meta["towers"]["user"]["inputs"]]
    out = sess.run(["embedding"], {n: feats[n][idx].numpy() for n in names})[0]
    return {u: np.asarray(row, dtype=float).tolist() for u, row in zip(users, out)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snapshot", required=True)
    p.add_argument("--export", required=True)
    p.add_argument("--users", required=True, help="comma-separated user ids")
    p.add_argument("--as-of", default=None)
    a = p.parse_args()
    print(json.dumps(user_vectors(a.snapshot, a.export, a.users.split(","), a.as_of)))


if __name__ == "__main__":
    main()
