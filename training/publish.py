"""Publish an exported model: embed the catalog, write item_embeddings_v<N>, swap the view, register.

    training/.venv/bin/python -m training.publish publish --snapshot training/runs/snap --export training/runs/v1/export
    training/.venv/bin/python -m training.publish rollback
    (training.pipeline does snapshot -> train -> export -> publish in one command, and `republish`.)

publish():
  1. refuse unless the export passed parity, its schema matches what serving expects (dims, opset,
     vocab fingerprints of the live model when given), the files its metadata's "serving" section
     names are there (vocabs.json matching the fingerprints, the text encoder matching its sha256),
     and it is not worse than the live model by more than `max_regression` on the gate metric; a
     refusal is recorded in model_registry (status 'refused', reason) and the live model stays;
  2. embed every product with the exported item tower (ONNX Runtime: what serving runs);
  3. CREATE TABLE item_embeddings_v<N> partitioned by vertical, COPY the rows in (binary), build one ANN index per partition (IVFFlat by default, HNSW on request)
     and a btree on business_id (store pages), ANALYZE;
  4. in one transaction with `SET LOCAL lock_timeout`: CREATE OR REPLACE VIEW item_embeddings onto
     the new table, mark the old live model retired and the new one live; retried on lock timeout,
     so a long reader delays the swap instead of queueing every new reader behind it;
  5. drop embedding tables of versions older than the last `keep`.
Readers see the old version or the new one, never a mix: the view swap is one atomic DDL statement.
model_registry.artifact_dir is the export dir's absolute path (serving loads the files from there).

PGlite served by pglite-socket (the demo's embedded database) shares ONE backend between every
socket client and the Node process itself, and its socket server stops answering after a COPY FROM
STDIN. So: the swap transaction of step 4 is sent as one simple-protocol message (BEGIN; ...;
COMMIT), which PGlite runs without interleaving anything else (and which is the same transaction on
PostgreSQL); on PGlite step 3 uses multi-row INSERTs, one message each, and no wrapping transaction.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import struct
import time
from collections import Counter
from pathlib import Path

import numpy as np
import psycopg
from psycopg import sql

from training.cpu_cap import backend_in_cgroup
from training.data import connect
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


def check_files(export_dir: Path, meta: dict) -> str | None:
    """The reason to refuse an export dir whose serving files are missing or disagree with metadata.json."""
    serving = meta.get("serving")
    if not serving:
        return "metadata.json has no serving section (exported by an older training.export)"
    for key, name in (serving.get("files") or {}).items():
        if not (export_dir / name).is_file():
            return f"serving file {name} ({key}) is missing from the export"
    files = serving.get("files") or {}
    if "vocabs" in files:
        from training.export import VOCAB_NAMES, vocab_fingerprint

        vocabs = json.loads((export_dir / files["vocabs"]).read_text())
        for k in VOCAB_NAMES:
            if vocab_fingerprint(vocabs.get(k, [])) != (meta.get("vocab_fingerprints") or {}).get(k):
                return f"{files['vocabs']} '{k}' does not match the metadata's vocabulary fingerprint"
    if "text_encoder" in files:
        from training.export import file_sha

        te = json.loads((export_dir / files["text_encoder_config"]).read_text())
        if file_sha(export_dir / files["text_encoder"]) != te.get("sha256"):
            return f"{files['text_encoder']} does not match the sha256 in {files['text_encoder_config']}"
        diff = te.get("parity_max_abs_diff")
        if diff is None or not diff <= PARITY_TOL:
            return f"text encoder failed parity ({diff})"
    return None


def embed_catalog(export_dir: Path, item_feats: dict[str, np.ndarray], batch: int = 2048, threads: int | None = None) -> np.ndarray:
    """(I, 128) item embeddings from the exported ONNX item tower, fed the inputs its metadata names.

    threads: ONNX Runtime's intra-op threads; default $SOUK_PUBLISH_THREADS, unset or 0 = one per
    core. Where the publish shares a small host with serving, 1 leaves serving a core: in
    bench:serve the seconds this ran on both cores held the swaps' slowest requests."""
    import onnxruntime as ort

    if threads is None:
        threads = int(os.environ.get("SOUK_PUBLISH_THREADS") or 0)
    if threads < 0:
        raise ValueError(f"SOUK_PUBLISH_THREADS / threads must be 0 (one per core) or more, not {threads}")
    meta = json.loads((export_dir / "metadata.json").read_text())
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    # No spinning between batches: a batch job gains ~0.3 s in 100k rows from it, and a spinning
    # thread holds a core that a host's other work (serving, the database) is waiting for.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(str(export_dir / "item_tower.onnx"), opts, providers=["CPUExecutionProvider"])
    names = [i["name"] for i in meta["towers"]["item"]["inputs"]]
    n = len(item_feats[names[0]])
    out = [sess.run(["embedding"], {k: item_feats[k][s : s + batch] for k in names})[0] for s in range(0, n, batch)]
    return np.concatenate(out).astype(np.float32)


def _vec(v: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in v) + "]"


_I16, _I32 = struct.Struct(">h"), struct.Struct(">i")


def copy_binary(rows: list[tuple[str, str, str]], emb: np.ndarray, block: int = 2000):
    """COPY ... (FORMAT BINARY) data for (product_id, business_id, vertical, embedding) rows, in blocks.

    Binary, because text costs both ends: formatting 12.8M floats was 7 s of the publisher's CPU on
    the 100k-product bench, and parsing them back 1.8 s of the database's, while the binary vector is
    pgvector's own wire format (vector_recv: int16 dim, int16 unused, dim big-endian float4)."""
    n, dim = emb.shape
    vec_head = _I32.pack(4 + 4 * dim) + _I16.pack(dim) + _I16.pack(0)
    vecs = np.ascontiguousarray(emb, dtype=">f4")
    yield b"PGCOPY\n\xff\r\n\x00" + _I32.pack(0) + _I32.pack(0)  # signature, flags, header extension
    for s in range(0, n, block):
        parts = []
        for i in range(s, min(s + block, n)):
            parts.append(_I16.pack(4))
            for text in rows[i]:
                b = str(text).encode()
                parts += (_I32.pack(len(b)), b)
            parts += (vec_head, vecs[i].tobytes())
        yield b"".join(parts)
    yield _I16.pack(-1)  # trailer


def is_pglite(conn: psycopg.Connection) -> bool:
    """PGlite (embedded, WASM) behind pglite-socket: version() says emscripten. It has one backend
    shared with the Node process, and its socket server cannot take COPY FROM STDIN."""
    v = conn.execute("SELECT version()").fetchone()[0].lower()
    return "pglite" in v or "emscripten" in v


def _insert_script(t: sql.Identifier, rows: list[tuple[str, str, str]], emb: np.ndarray) -> sql.Composed:
    values = sql.SQL(", ").join(
        sql.SQL("({}, {}, {}, {})").format(sql.Literal(pid), sql.Literal(bid), sql.Literal(vert), sql.Literal(_vec(e)))
        for (pid, bid, vert), e in zip(rows, emb)
    )
    return sql.SQL("INSERT INTO {} (product_id, business_id, vertical, embedding) VALUES {}").format(t, values)


# The approximate-nearest-neighbour index of each embedding table. Measured on the 100k-product bench
# catalogue (trained vectors, tight clusters: the same product sold by many stores), top-200 recall
# against exact search and median query time (bench/index-recall.ts):
#   ivfflat, lists = sqrt(n) = 316, probes 40   recall 0.96, 7.1 ms, built in 2 s
#   hnsw m=16, ef_construction=64, ef_search 400  recall 0.59, 6.1 ms, built in ~20 s
#   hnsw m=32, ef_construction=200, ef_search 400 recall 0.86, 8.8 ms, built in 40 s
#   hnsw m=48, ef_construction=300, ef_search 400 recall 0.91, 13 ms, built in 112 s
# so IVFFlat is the default; SOUK_VECTOR_INDEX=hnsw (with SOUK_HNSW_M / SOUK_HNSW_EF_CONSTRUCTION)
# builds HNSW instead. Serving sets both methods' search parameters per query.
#
# The table is LIST-partitioned by vertical, one partition per vertical plus a DEFAULT one for a
# vertical that appears after the publish, each partition with its own ANN index. Requests filtered
# to a vertical are a large share of traffic: the planner prunes to that vertical's partition and
# its index reads only that vertical (on one whole-table index the filter threw most scanned rows
# away: iterative scan, 9,300 rows read to keep 200 restaurants, 30 ms). An unfiltered request
# merges the partitions' index scans (Merge Append on distance).
#
# Until session 13 this was one table with a whole-table index plus one partial index per vertical,
# every IVFFlat index with the whole table's sqrt(n) lists. IVFFlat's k-means works on a sample of
# 50 rows a list, so its cost grows with lists squared, whatever the rows: the bench's three partial
# indexes on a third of the rows each cost 0.9-1.1 s, the whole-table one 1.56 s, ~5 s in all of
# PostgreSQL CPU per publish, on the cores that serve. Now each partition gets sqrt(its rows) lists
# (pgvector's advice, per partition) and there is no whole-table index.
def ann_index_sql(version: int, partitions: dict[str, int]) -> list[sql.Composed]:
    """CREATE INDEX statements of the ANN index of each non-empty partition (partition name -> rows)."""
    method = os.environ.get("SOUK_VECTOR_INDEX", "ivfflat").lower()
    if method not in ("ivfflat", "hnsw"):
        raise ValueError(f"SOUK_VECTOR_INDEX must be ivfflat or hnsw, not {method!r}")
    out = []
    for part, n in sorted(partitions.items()):
        if n == 0:
            continue  # an empty DEFAULT partition: the planner sorts its (no) rows; an index would warn
        if method == "hnsw":
            m = int(os.environ.get("SOUK_HNSW_M", "16"))
            efc = int(os.environ.get("SOUK_HNSW_EF_CONSTRUCTION", "64"))
            using = sql.SQL("hnsw (embedding vector_cosine_ops) WITH (m = {}, ef_construction = {})").format(sql.Literal(m), sql.Literal(efc))
        else:
            lists = max(1, min(round(math.sqrt(n)), n // 10))  # pgvector's advice; at least ~10 rows a list
            using = sql.SQL("ivfflat (embedding vector_cosine_ops) WITH (lists = {})").format(sql.Literal(lists))
        out.append(sql.SQL("CREATE INDEX {} ON {} USING {}").format(sql.Identifier(f"{part}_ann"), sql.Identifier(part), using))
    return out


def partitions_sql(version: int, verticals: list[str]) -> tuple[list[sql.Composed], dict[str, str | None]]:
    """The partitions of version's table: (CREATE TABLE ... PARTITION OF statements, partition name ->
    its vertical, None for the DEFAULT one). Named by position, not by vertical: any text is a vertical."""
    t = table_name(version)
    names: dict[str, str | None] = {f"{t}_p{i}": v for i, v in enumerate(sorted(set(verticals)))}
    names[f"{t}_default"] = None
    stmts = [
        sql.SQL("CREATE TABLE {} PARTITION OF {} {}").format(
            sql.Identifier(name), sql.Identifier(t),
            sql.SQL("DEFAULT") if v is None else sql.SQL("FOR VALUES IN ({})").format(sql.Literal(v)))
        for name, v in names.items()
    ]
    return stmts, names


def write_table(conn: psycopg.Connection, version: int, rows: list[tuple[str, str, str]], emb: np.ndarray, pglite: bool | None = None,
                insert_batch: int = 500) -> None:
    """rows[i] = (product_id, business_id, vertical) for emb[i]. Builds the table and its ANN index
    outside any swap: this is the slow part and it blocks no reader.

    PostgreSQL: one transaction, COPY. PGlite: no multi-message transaction (the Node process's
    queries would run inside it) and no COPY FROM STDIN (pglite-socket stops serving after one);
    multi-row INSERTs of `insert_batch` rows, each one message. A half-built table is harmless
    there: the view does not point at it and the next publish of that version drops it first."""
    t = sql.Identifier(table_name(version))
    # A partitioned table's primary key must hold the partition key: (product_id, vertical). A
    # product has one vertical (its business's), so product_id alone is still unique in practice.
    create = sql.SQL(
        "CREATE TABLE {} (product_id text NOT NULL, business_id text NOT NULL, vertical text NOT NULL, embedding vector(128) NOT NULL,"
        " PRIMARY KEY (product_id, vertical)) PARTITION BY LIST (vertical)"
    ).format(t)
    counts = Counter(vert for _, _, vert in rows)
    parts, names = partitions_sql(version, list(counts))
    create = sql.SQL("; ").join([create, *parts])
    # A store page scores one business's products exactly (serving's retrieval.ts): without this
    # index that was a scan of the whole table, 28 ms a request on 100k products in bench:serve.
    # Made on the parent, PostgreSQL makes one on each partition.
    business = sql.SQL("CREATE INDEX {} ON {} (business_id)").format(sql.Identifier(f"{table_name(version)}_business"), t)
    indexes = [business, *ann_index_sql(version, {name: (counts[v] if v is not None else 0) for name, v in names.items()})]
    if pglite is None:
        pglite = is_pglite(conn)
    if pglite:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}; {}").format(t, create).as_string(conn))
        for s in range(0, len(rows), insert_batch):
            conn.execute(_insert_script(t, rows[s : s + insert_batch], emb[s : s + insert_batch]).as_string(conn))
        for index in indexes:
            conn.execute(index.as_string(conn))
    else:
        with conn.transaction():
            # One core for the index builds: they run on the database that serves live traffic, and
            # pgvector's parallel workers would take every core it has (the swaps in bench:serve).
            conn.execute("SET LOCAL max_parallel_maintenance_workers = 0")
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(t))
            conn.execute(create)
            with conn.cursor().copy(sql.SQL("COPY {} (product_id, business_id, vertical, embedding) FROM STDIN (FORMAT BINARY)").format(t)) as cp:
                for block in copy_binary(rows, emb):
                    cp.write(block)
            for index in indexes:
                conn.execute(index)
    conn.execute(sql.SQL("ANALYZE {}").format(t))


def swap_view(conn: psycopg.Connection, version: int, lock_timeout_ms: int = 2000, retries: int = 20, extra: list[sql.Composable] | None = None) -> None:
    """Point item_embeddings at version's table in one transaction; retry when a reader holds the lock.

    `extra`: statements (registry status updates) that run inside the same transaction, so the view
    and the registry never disagree. The whole transaction goes as ONE simple-protocol message
    (BEGIN; SET LOCAL lock_timeout; CREATE OR REPLACE VIEW; extra; COMMIT): on PostgreSQL that is
    the same atomic swap, and on PGlite behind pglite-socket nothing of the Node process can run
    between its statements (PGlite has one backend; a multi-message transaction would take in the
    app's queries, and an app transaction's COMMIT would end ours half way)."""
    t = table_name(version)
    stmts = [
        sql.SQL("BEGIN"),
        sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{int(lock_timeout_ms)}ms")),
        sql.SQL(VIEW_SQL).format(v=sql.Literal(int(version)), t=sql.Identifier(t)),
        *(extra or []),
        sql.SQL("COMMIT"),
    ]
    script = sql.SQL("; ").join(stmts).as_string(conn)
    for attempt in range(retries):
        try:
            conn.execute(script)
            return
        except psycopg.errors.LockNotAvailable:
            _rollback_if_failed(conn)
            time.sleep(min(0.05 * 2**attempt, 2.0))
        except BaseException:
            _rollback_if_failed(conn)
            raise
    raise RuntimeError(f"could not swap item_embeddings to {t}: lock not available after {retries} tries")


def _rollback_if_failed(conn: psycopg.Connection) -> None:
    """A failed statement inside the script leaves the session in an aborted transaction."""
    if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.execute("ROLLBACK")


def _registry_sql(version: int, name: str, status: str, art: str, meta: dict, reason: str | None = None) -> sql.Composed:
    """Upsert of the registry row, with literal values (it may go inside a multi-statement message)."""
    return sql.SQL(
        "INSERT INTO model_registry (version, name, status, embedding_table, artifact_dir, metadata, metrics, reason) "
        "VALUES ({}, {}, {}, {}, {}, {}::jsonb, {}::jsonb, {}) ON CONFLICT (version) DO UPDATE SET status = EXCLUDED.status, "
        "artifact_dir = EXCLUDED.artifact_dir, metadata = EXCLUDED.metadata, metrics = EXCLUDED.metrics, reason = EXCLUDED.reason"
    ).format(*map(sql.Literal, (
        int(version), name, status, table_name(version), art, json.dumps(meta, default=str), json.dumps(meta.get("metrics") or {}, default=str), reason,
    )))


def _registry_insert(conn, version: int, name: str, status: str, art: str, meta: dict, reason: str | None = None) -> None:
    conn.execute(_registry_sql(version, name, status, art, meta, reason).as_string(conn))


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
    lock_timeout_ms: int = 2000, build_cgroup: str | None = None,
) -> int:
    """Publish the export; returns the new live version, or raises Refused (recorded in the registry).

    catalog[i] = (product_id, business_id, vertical) for row i of item_feats.
    build_cgroup: a CPU-capped cgroup for the backend's COPY, index builds and ANALYZE (cpu_cap.py),
    where PostgreSQL shares a small host with serving; default $SOUK_PUBLISH_CGROUP, unset = no cap.
    The swap runs back in the backend's own group: it holds the view's lock and must not be paced."""
    export_dir = Path(export_dir).resolve()  # the registry stores an absolute path: serving's cwd may differ
    art = str(export_dir)
    meta = json.loads((export_dir / "metadata.json").read_text())
    version = int(meta["model_version"])
    with connect(dsn) as conn:
        live = live_model(conn)
        if live is not None and version <= live["version"]:
            raise Refused(f"version {version} is not newer than live {live['version']}")
        reason = check_candidate(meta, live, gate_metric, max_regression) or check_files(export_dir, meta)
        if reason:
            _registry_insert(conn, version, name, "refused", art, meta, reason)
            raise Refused(reason)
        emb = embed_catalog(export_dir, item_feats)
        with backend_in_cgroup(conn, os.environ.get("SOUK_PUBLISH_CGROUP") if build_cgroup is None else build_cgroup):
            write_table(conn, version, catalog, emb)
        registry = [
            sql.SQL("UPDATE model_registry SET status = 'retired' WHERE status = 'live'"),
            _registry_sql(version, name, "live", art, meta),
            sql.SQL("UPDATE model_registry SET published_at = now() WHERE version = {}").format(sql.Literal(version)),
        ]
        swap_view(conn, version, lock_timeout_ms, extra=registry)
        cleanup(conn, keep)
    return version


def rollback(dsn: str, lock_timeout_ms: int = 2000) -> int:
    """Return to the newest retired version whose table still exists; the current live becomes retired."""
    with connect(dsn) as conn:
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
        registry = [
            sql.SQL("UPDATE model_registry SET status = 'retired', reason = 'rolled back' WHERE version = {}").format(sql.Literal(live["version"])),
            sql.SQL("UPDATE model_registry SET status = 'live', published_at = now() WHERE version = {}").format(sql.Literal(v)),
        ]
        swap_view(conn, v, lock_timeout_ms, extra=registry)
    return v


def catalog_from(prep, snapshot_dir: str | Path) -> tuple[list[tuple[str, str, str]], dict[str, np.ndarray]]:
    """(catalog rows, item features) for publish(), from a train.Prepared (or train.CatalogFeatures)
    of that snapshot."""
    from training.data import load_snapshot

    items = prep.vocabs.items.tokens  # index i+1 <-> tokens[i]
    prod = load_snapshot(snapshot_dir, skip=("users", "businesses", "product_images", "interactions")).products.set_index("id")
    rows = prod.loc[list(items), ["business_id", "vertical"]]  # one lookup for all: .at per product was 6 s on 100k
    catalog = list(zip(items, rows["business_id"], rows["vertical"]))
    feats = {k: t[1:].numpy() for k, t in prep.item_feats.items()}  # drop the padding row
    return catalog, feats


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
    from training.train import prepare

    catalog, feats = catalog_from(prepare(a.snapshot, TrainConfig()), a.snapshot)
    v = publish(dsn, a.export, catalog, feats, max_regression=a.max_regression, keep=a.keep)
    print(json.dumps({"live": v}))


if __name__ == "__main__":
    main()
