"""Publishing against the real PostgreSQL + pgvector: swap under concurrent readers, refusals, rollback."""
import json
import os
import threading

import numpy as np
import psycopg
import pytest
import torch

from training.config import ModelConfig
from training.export import export
from training.model import TwoTower
from training.publish import Refused, publish, rollback, write_table
from training.train import model_config_for


def make_export(prepared, out, version, metrics, seed=0, out_dim=128):
    torch.manual_seed(seed)
    model = TwoTower(model_config_for(prepared, ModelConfig(id_only=True, hidden=(), out_dim=out_dim))).eval()
    idx = torch.arange(1, 9)
    ub = {k: t[idx] for k, t in prepared.user_feats.items()}
    ib = {k: t[idx] for k, t in prepared.item_feats.items()}
    export(model, ub, ib, out, version, prepared.vocabs, prepared.time_range, metrics)
    return out


def catalog(prepared):
    ids = prepared.vocabs.items.tokens
    rows = [(pid, f"b{int(pid[1:]) % 6}", "SUPERMARKET") for pid in ids]
    feats = {k: t[1:].numpy() for k, t in prepared.item_feats.items()}
    return rows, feats


def live(dsn):
    with psycopg.connect(dsn) as c:
        return c.execute("SELECT version FROM model_registry WHERE status = 'live'").fetchone()[0], \
            c.execute("SELECT DISTINCT version FROM item_embeddings").fetchall()


def test_publish_swap_with_concurrent_readers_then_rollback(prepared, pg_dsn, tmp_path):
    rows, feats = catalog(prepared)
    n = len(rows)
    assert publish(pg_dsn, make_export(prepared, tmp_path / "v1", 1, {"recall@50": 0.40}), rows, feats) == 1
    assert live(pg_dsn) == (1, [(1,)])
    with psycopg.connect(pg_dsn) as c:  # serving loads the files from here, whatever its cwd
        art = c.execute("SELECT artifact_dir FROM model_registry WHERE version = 1").fetchone()[0]
    assert os.path.isabs(art) and os.path.samefile(art, tmp_path / "v1")

    stop, seen, errors = threading.Event(), [], []

    def reader():
        with psycopg.connect(pg_dsn, autocommit=True) as c:
            while not stop.is_set():
                try:
                    got = c.execute("SELECT version, count(*) FROM item_embeddings GROUP BY version").fetchall()
                    seen.append(got)
                except Exception as e:  # any error a reader would see during the swap
                    errors.append(repr(e))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        publish(pg_dsn, make_export(prepared, tmp_path / "v2", 2, {"recall@50": 0.41}, seed=1), rows, feats)
        publish(pg_dsn, make_export(prepared, tmp_path / "v3", 3, {"recall@50": 0.42}, seed=2), rows, feats)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    # Every read saw exactly one complete version: never a mix, never a partial table.
    assert all(len(r) == 1 and r[0][1] == n for r in seen), [r for r in seen if len(r) != 1 or r[0][1] != n][:3]
    versions = {r[0][0] for r in seen}
    assert len(seen) > 0 and versions <= {1, 2, 3}
    assert live(pg_dsn) == (3, [(3,)])

    # One partition per vertical, each with its ANN index: a vertical-filtered query reads only its
    # vertical's partition, an unfiltered one merges every partition's index scan.
    verticals = sorted({v for _, _, v in rows})
    with psycopg.connect(pg_dsn) as c:
        anns = sorted(r[0] for r in c.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'item_embeddings_v3_%%' AND indexdef LIKE '%%USING ivfflat%%'"))
        assert anns == [f"item_embeddings_v3_p{i}_ann" for i in range(len(verticals))], anns
        bounds = dict(c.execute("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                " WHERE i.inhparent = 'item_embeddings_v3'::regclass").fetchall())
        assert bounds == {**{f"item_embeddings_v3_p{i}": f"FOR VALUES IN ('{v}')" for i, v in enumerate(verticals)}, "item_embeddings_v3_default": "DEFAULT"}, bounds
        q = c.execute("SELECT embedding::text FROM item_embeddings_v3 LIMIT 1").fetchone()[0]
        c.execute("SET enable_seqscan = off")  # a tiny test table: make the planner show its index choice
        explain = lambda s, *a: "\n".join(r[0] for r in c.execute("EXPLAIN " + s, a))  # noqa: E731
        plan = explain("SELECT product_id FROM item_embeddings_v3 WHERE vertical = %s ORDER BY embedding <=> %s::vector LIMIT 5", verticals[0], q)
        whole = explain("SELECT product_id FROM item_embeddings_v3 ORDER BY embedding <=> %s::vector LIMIT 5", q)
        # A store page (one business, scored exactly) reads that business's rows by index.
        store_plan = explain("SELECT product_id FROM item_embeddings_v3 WHERE business_id = %s ORDER BY (embedding <=> %s::vector) * 1 LIMIT 5", rows[0][1], q)
    assert "business_id_idx" in store_plan, store_plan
    assert "item_embeddings_v3_p0_ann" in plan and "item_embeddings_v3_p1" not in plan, plan
    assert "Merge Append" in whole and all(a in whole for a in anns), whole

    # The new embeddings are the exported tower's: nearest neighbour by SQL equals numpy's.
    with psycopg.connect(pg_dsn) as c:
        c.execute("SET hnsw.ef_search = 200")
        q = c.execute("SELECT embedding::text FROM item_embeddings WHERE product_id = %s", (rows[0][0],)).fetchone()[0]
        top = c.execute("SELECT product_id FROM item_embeddings ORDER BY embedding <=> %s::vector LIMIT 1", (q,)).fetchone()[0]
    assert top == rows[0][0]

    assert rollback(pg_dsn) == 2
    assert live(pg_dsn) == (2, [(2,)])
    with psycopg.connect(pg_dsn) as c:
        status = dict(c.execute("SELECT version, status FROM model_registry").fetchall())
    assert status == {1: "retired", 2: "live", 3: "retired"}


def test_refuses_worse_or_mismatched_model(prepared, pg_dsn, tmp_path):
    rows, feats = catalog(prepared)
    publish(pg_dsn, make_export(prepared, tmp_path / "v1", 1, {"recall@50": 0.40}), rows, feats)

    with pytest.raises(Refused, match="worse than live"):
        publish(pg_dsn, make_export(prepared, tmp_path / "v2", 2, {"recall@50": 0.35}), rows, feats, max_regression=0.01)
    with pytest.raises(Refused, match="embedding_dim"):
        publish(pg_dsn, make_export(prepared, tmp_path / "v3", 3, {"recall@50": 0.45}, out_dim=64), rows, feats)
    bad = make_export(prepared, tmp_path / "v4", 4, {"recall@50": 0.45})
    meta = json.loads((bad / "metadata.json").read_text())
    meta["towers"]["item"]["parity_max_abs_diff"] = 0.3  # an artefact whose parity failed
    (bad / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(Refused, match="parity"):
        publish(pg_dsn, bad, rows, feats)
    missing = make_export(prepared, tmp_path / "v5", 5, {"recall@50": 0.45})
    (missing / "vocabs.json").unlink()  # serving could not map ids
    with pytest.raises(Refused, match="vocabs.json"):
        publish(pg_dsn, missing, rows, feats)

    assert live(pg_dsn) == (1, [(1,)])  # the live model stayed
    with psycopg.connect(pg_dsn) as c:
        refused = c.execute("SELECT version, reason FROM model_registry WHERE status = 'refused' ORDER BY version").fetchall()
        tables = c.execute("SELECT count(*) FROM pg_tables WHERE tablename ~ '^item_embeddings_v[0-9]+$'").fetchone()[0]
    assert [v for v, _ in refused] == [2, 3, 4, 5] and all(r for _, r in refused)
    assert tables == 2  # v0 from the migration and v1: refused models never wrote a table


def test_binary_copy_stores_the_exact_vectors_and_text(pg_dsn):
    rng = np.random.default_rng(3)
    rows = [(f"p{i}", f"café-{i % 7}", "RESTAURANT" if i % 3 else "SUPERMARKET") for i in range(2500)]  # > one block
    emb = rng.standard_normal((len(rows), 128)).astype(np.float32)
    with psycopg.connect(pg_dsn) as c:
        write_table(c, 42, rows, emb, pglite=False)
        got = c.execute("SELECT product_id, business_id, vertical, embedding::text FROM item_embeddings_v42").fetchall()
    assert sorted(r[:3] for r in got) == sorted(rows)
    by_id = {r[0]: np.array(r[3].strip("[]").split(","), dtype=np.float32) for r in got}
    assert all(np.array_equal(by_id[pid], e) for (pid, _, _), e in zip(rows, emb))  # float4 both ways: bit-exact


def test_embedding_threads_change_nothing_but_the_threads(prepared, tmp_path, monkeypatch):
    from training.publish import embed_catalog

    _, feats = catalog(prepared)
    export_dir = make_export(prepared, tmp_path / "v1", 1, {"recall@50": 0.40})
    default = embed_catalog(export_dir, feats)
    monkeypatch.setenv("SOUK_PUBLISH_THREADS", "1")
    np.testing.assert_allclose(embed_catalog(export_dir, feats), default, rtol=1e-5, atol=1e-6)
    monkeypatch.setenv("SOUK_PUBLISH_THREADS", "-1")
    with pytest.raises(ValueError, match="must be 0 \\(one per core\\) or more, not -1"):
        embed_catalog(export_dir, feats)
