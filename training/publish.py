"""Publish an exported model: embed the catalog, write item_embeddings_v<N>, swap the view, register.

    training/.venv/bin/python -m training.publish publish --export training/runs/v1/export
    training/.venv/bin/python -m training.publish rollback

publish():
  1. refuse unless the export passed parity, its schema matches what serving expects (dims, opset,
     vocab fingerprints of the live model when given), and it is not worse than the live model by
     more than `max_regression` on the gate metric; a refusal is recorded in model_registry
     (status 'refused', reason) and the live model stays;
  2. embed every product with the exported item tower (ONNX Runtime: what serving runs);
  3. CREATE TABLE item_embeddings_v<N>, COPY the rows in, build the HNSW index, ANALYZE;
  4. in one transaction with `SET LOCAL lock_timeout`: CREATE OR REPLACE VIEW item_embeddings onto
     the new table, mark the old live model retired and the new one live; retried on lock timeout,
     so a long reader delays the swap instead of queueing every new reader behind it;
  5. drop embedding tables of versions older than the last `keep`.
Readers see the old version or the new one, never a mix: the view swap is one atomic DDL statement.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import psycopg
from psycopg import sql

from training.export import OPSET, PARITY_TOL

VIEW_SQL = "CREATE OR REPLACE VIEW item_embeddings AS SELECT product_id, business_id, vertical, embedding, {v}::integer AS version FROM {t}"
EMBED_DIM = 128  # item_embeddings_v*.embedding is vector(128): the contract with serving


class Refused(RuntimeError):
    """The candidate model was not published; the live one is unchanged."""


def table_name(version: int) -> str:
    return f"item_embeddings_v{int(version)}"


def live_model(conn: psycopg.Connection) -> dict | None:
    row = conn.execute("SELECT version, metadata, metrics FROM model_registry WHERE status = 'live'").fetchone()
    return None if row is None else {"version": row[0], "metadata": row[1], "metrics": row[2]}


def check_candidate(meta: dict, live: dict | None, gate_metric: str, max_regression: float) -> str | None:
    """The reason to refuse `meta`, or None if it may go live."""
    for tower in ("user", "item"):
        diff = meta.get("towers", {}).get(tower, {}).get("parity_max_abs_diff")
        if diff is None or not diff <= PARITY_TOL:
            return f"{tower} tower failed ONNX parity ({diff})"
    if meta.get("embedding_dim") != EMBED_DIM:
        return f"embedding_dim {meta.get('embedding_dim')} != {EMBED_DIM} (item_embeddings is vector({EMBED_DIM}))"
    if meta.get("opset") != OPSET:
        return f"opset {meta.get('opset')} != {OPSET}"
    if live is None:
        return None
    live_meta = live["metadata"] or {}
    if live_meta.get("embedding_dim") not in (None, meta["embedding_dim"]):
        return "embedding_dim differs from the live model"
    live_inputs = {t: live_meta.get("towers", {}).get(t, {}).get("inputs") for t in ("user", "item")}
    for t, inputs in live_inputs.items():
        if inputs is not None and [i["name"] for i in inputs] != [i["name"] for i in meta["towers"][t]["inputs"]]:
            return f"{t} tower inputs differ from the live model's feature schema"
    live_score = (live["metrics"] or {}).get(gate_metric)
    new_score = (meta.get("metrics") or {}).get(gate_metric)
    if live_score is not None:
        if new_score is None:
            return f"candidate has no {gate_metric} to compare with the live model"
        if new_score < live_score - max_regression:
            return f"{gate_metric} {new_score:.4f} is worse than live {live_score:.4f} by more than {max_regression}"
    return None


def embed_catalog(export_dir: Path, item_feats: dict[str, np.ndarray], batch: int = 2048) -> np.ndarray:
    """(I, 128) item embeddings from the exported ONNX item tower, fed the inputs its metadata names."""
    import onnxruntime as ort

    meta = json.loads((export_dir / "metadata.json").read_text())
    sess = ort.InferenceSession(str(export_dir / "item_tower.onnx"), providers=["CPUExecutionProvider"])
    names = [i["name"] for i in meta["towers"]["item"]["inputs"]]
    n = len(item_feats[names[0]])
    out = [sess.run(["embedding"], {k: item_feats[k][s : s + batch] for k in names})[0] for s in range(0, n, batch)]
    return np.concatenate(out).astype(np.float32)


def _vec(v: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in v) + "]"


def write_table(conn: psycopg.Connection, version: int, rows: list[tuple[str, str, str]], emb: np.ndarray) -> None:
    """rows[i] = (product_id, business_id, vertical) for emb[i]. Builds the table and its HNSW index
    outside any swap: this is the slow part and it blocks no reader."""
    t = sql.Identifier(table_name(version))
    with conn.transaction():
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(t))
        conn.execute(sql.SQL(
            "CREATE TABLE {} (product_id text PRIMARY KEY, business_id text NOT NULL, vertical text NOT NULL, embedding vector(128) NOT NULL)"
        ).format(t))
        with conn.cursor().copy(sql.SQL("COPY {} (product_id, business_id, vertical, embedding) FROM STDIN").format(t)) as cp:
            for (pid, bid, vert), e in zip(rows, emb):
                cp.write_row((pid, bid, vert, _vec(e)))
        conn.execute(sql.SQL("CREATE INDEX {} ON {} USING hnsw (embedding vector_cosine_ops)").format(
            sql.Identifier(f"{table_name(version)}_hnsw"), t))
    conn.execute(sql.SQL("ANALYZE {}").format(t))


def swap_view(conn: psycopg.Connection, version: int, lock_timeout_ms: int = 2000, retries: int = 20, extra=None) -> None:
    """Point item_embeddings at version's table in one transaction; retry when a reader holds the lock.

    `extra(conn)` runs inside the same transaction (registry status updates), so the view and the
    registry never disagree."""
    t = table_name(version)
    for attempt in range(retries):
        try:
            with conn.transaction():
                conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{int(lock_timeout_ms)}ms")))
                conn.execute(sql.SQL(VIEW_SQL).format(v=sql.Literal(int(version)), t=sql.Identifier(t)))
                if extra is not None:
                    extra(conn)
            return
        except psycopg.errors.LockNotAvailable:
            time.sleep(min(0.05 * 2**attempt, 2.0))
    raise RuntimeError(f"could not swap item_embeddings to {t}: lock not available after {retries} tries")


def _registry_insert(conn, version: int, name: str, status: str, art: str, meta: dict, reason: str | None = None) -> None:
    conn.execute(
        "INSERT INTO model_registry (version, name, status, embedding_table, artifact_dir, metadata, metrics, reason) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (version) DO UPDATE SET status = EXCLUDED.status, "
        "metadata = EXCLUDED.metadata, metrics = EXCLUDED.metrics, reason = EXCLUDED.reason",
        (version, name, status, table_name(version), art, json.dumps(meta, default=str), json.dumps(meta.get("metrics") or {}), reason),
    )


def cleanup(conn: psycopg.Connection, keep: int) -> list[int]:
    """Drop the embedding tables of retired versions beyond the newest `keep` retired ones; the live
    table is never touched. Dropped versions stay in the registry (history), without a table."""
    rows = conn.execute("SELECT version FROM model_registry WHERE status = 'retired' AND to_regclass(embedding_table) IS NOT NULL ORDER BY version DESC").fetchall()
    dropped = []
    for (v,) in rows[keep:]:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table_name(v))))
        dropped.append(v)
    return dropped


def publish(
    dsn: str, export_dir: str | Path, catalog: list[tuple[str, str, str]], item_feats: dict[str, np.ndarray],
    name: str = "two-tower", gate_metric: str = "recall@50", max_regression: float = 0.01, keep: int = 3,
    lock_timeout_ms: int = 2000,
) -> int:
    """Publish the export; returns the new live version, or raises Refused (recorded in the registry).

    catalog[i] = (product_id, business_id, vertical) for row i of item_feats."""
    export_dir = Path(export_dir)
    meta = json.loads((export_dir / "metadata.json").read_text())
    version = int(meta["model_version"])
    with psycopg.connect(dsn, autocommit=True) as conn:
        live = live_model(conn)
        if live is not None and version <= live["version"]:
            raise Refused(f"version {version} is not newer than live {live['version']}")
        reason = check_candidate(meta, live, gate_metric, max_regression)
        if reason:
            _registry_insert(conn, version, name, "refused", str(export_dir), meta, reason)
            raise Refused(reason)
        emb = embed_catalog(export_dir, item_feats)
        write_table(conn, version, catalog, emb)

        def registry(c):
            c.execute("UPDATE model_registry SET status = 'retired' WHERE status = 'live'")
            _registry_insert(c, version, name, "live", str(export_dir), meta)
            c.execute("UPDATE model_registry SET published_at = now() WHERE version = %s", (version,))

        swap_view(conn, version, lock_timeout_ms, extra=registry)
        cleanup(conn, keep)
    return version


def rollback(dsn: str, lock_timeout_ms: int = 2000) -> int:
    """Return to the newest retired version whose table still exists; the current live becomes retired."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        live = live_model(conn)
        if live is None:
            raise RuntimeError("no live model to roll back from")
        prev = conn.execute(
            "SELECT version FROM model_registry WHERE status = 'retired' AND version < %s AND to_regclass(embedding_table) IS NOT NULL "
            "ORDER BY version DESC LIMIT 1",
            (live["version"],),
        ).fetchone()
        if prev is None:
            raise RuntimeError(f"no earlier version with an embedding table to roll back to from v{live['version']}")
        v = prev[0]

        def registry(c):
            c.execute("UPDATE model_registry SET status = 'retired', reason = 'rolled back' WHERE version = %s", (live["version"],))
            c.execute("UPDATE model_registry SET status = 'live', published_at = now() WHERE version = %s", (v,))

        swap_view(conn, v, lock_timeout_ms, extra=registry)
    return v


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("publish")
    pp.add_argument("--export", required=True)
    pp.add_argument("--snapshot", required=True, help="snapshot whose products are embedded")
    pp.add_argument("--max-regression", type=float, default=0.01)
    pp.add_argument("--keep", type=int, default=3)
    sub.add_parser("rollback")
    a = p.parse_args()
    dsn = os.environ["DATABASE_URL"]
    if a.cmd == "rollback":
        print(json.dumps({"live": rollback(dsn)}))
        return
    from training.config import TrainConfig
    from training.data import load_snapshot
    from training.train import prepare

    prep = prepare(a.snapshot, TrainConfig())
    items = prep.vocabs.items.tokens  # index i+1 <-> tokens[i]
    prod = load_snapshot(a.snapshot).products.set_index("id")
    catalog = [(pid, prod.at[pid, "business_id"], prod.at[pid, "vertical"]) for pid in items]
    feats = {k: t[1:].numpy() for k, t in prep.item_feats.items()}  # drop the padding row
    v = publish(dsn, a.export, catalog, feats, max_regression=a.max_regression, keep=a.keep)
    print(json.dumps({"live": v}))


if __name__ == "__main__":
    main()
