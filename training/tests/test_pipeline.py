"""training.pipeline end to end on a real PostgreSQL: generated data in the project's tables ->
snapshot -> train (1 epoch) -> export -> publish; --skip-if-live; republish as a new version."""
import json
import os
from pathlib import Path

import numpy as np
import psycopg
import pytest

from training import pipeline
from training.tests.synth import make_frames


def nz(x):
    return None if x is None or (isinstance(x, float) and x != x) else x


def load_frames(dsn: str, frames: dict) -> None:
    """The generated marketplace into the migrated schema (the columns the snapshot reads + NOT NULLs)."""
    b, p, im, u, it = (frames[k] for k in ("businesses", "products", "product_images", "users", "interactions"))
    with psycopg.connect(dsn) as c, c.cursor() as cur:
        cur.executemany(
            "INSERT INTO businesses (id, vertical, name, city, is_open, dedup_key) VALUES (%s, %s, %s, %s, %s, %s)",
            [(r.id, r.vertical, r.name, r.city, bool(r.is_open), r.id) for r in b.itertuples()],
        )
        cur.executemany(
            "INSERT INTO products (id, business_id, title, description, category, brand, price, price_range, updated_at, dedup_key) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(r.id, r.business_id, r.title, r.description, r.category, None if i % 7 == 0 else r.brand, float(r.price), int(r.price_range), r.updated_at, r.id)
             for i, r in enumerate(p.itertuples())],  # every 7th product without brand: the NULL path of product_text
        )
        cur.executemany(
            "INSERT INTO product_images (product_id, embedding) VALUES (%s, %s::vector)",
            [(r.product_id, "[" + ",".join(f"{x:.5g}" for x in r.embedding) + "]") for r in im.itertuples()],
        )
        cur.executemany(
            "INSERT INTO users (id, age_group, gender, city, favourite_categories, favourite_brands, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(r.id, nz(r.age_group), nz(r.gender), nz(r.city), list(r.favourite_categories), list(r.favourite_brands), r.created_at) for r in u.itertuples()],
        )
        with cur.copy("COPY interactions (event_id, user_id, product_id, business_id, type, query, occurred_at, session_id) FROM STDIN") as cp:
            for r in it.itertuples():
                cp.write_row((r.event_id, r.user_id, nz(r.product_id), r.business_id, r.type, nz(r.query), r.occurred_at, r.session_id))


def final_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_pipeline_snapshot_to_live_then_skip_then_republish(pg_dsn, tmp_path, capsys, monkeypatch):
    frames = make_frames(n_users=80, n_products=160, events_per_user=20)
    load_frames(pg_dsn, frames)
    # The re-ranker (training.ranker, another component) has its own tests; here its hook must skip cleanly.
    monkeypatch.setattr(pipeline, "RANKER_MODULE", "training._no_such_ranker")
    work = tmp_path / "work"

    rc = pipeline.main(["--dsn", pg_dsn, "--work", str(work), "--epochs", "1"])
    out = capsys.readouterr().out
    res = final_json(out)
    assert rc == 0, out[-3000:]
    assert res["status"] == "live" and res["version"] == 1 and res["reason"] is None
    assert "ranker: no training._no_such_ranker module, skipped" in out
    assert set(res["seconds"]) >= {"snapshot", "train", "evaluate", "export", "ranker", "publish", "total"}
    export_dir = Path(res["export_dir"])
    assert export_dir == work.resolve() / "exports" / "v1"
    assert {"user_tower.onnx", "item_tower.onnx", "metadata.json", "vocabs.json", "text_encoder.onnx", "tokenizer.json",
            "text_encoder.json"} <= {f.name for f in export_dir.iterdir()}
    meta = json.loads((export_dir / "metadata.json").read_text())
    assert meta["model_version"] == 1 and "recall@50" in meta["metrics"] and meta["serving"]["history_max"] == 200

    with psycopg.connect(pg_dsn) as c:
        row = c.execute("SELECT status, artifact_dir, embedding_table FROM model_registry WHERE version = 1").fetchone()
        view = c.execute("SELECT version, count(*) FROM item_embeddings GROUP BY version").fetchall()
    assert row[0] == "live" and os.path.isabs(row[1]) and Path(row[1]) == export_dir and row[2] == "item_embeddings_v1"
    assert view == [(1, 160)]

    # --skip-if-live: the live model's files exist -> nothing is trained, its JSON is printed.
    rc = pipeline.main(["--dsn", pg_dsn, "--work", str(tmp_path / "other"), "--skip-if-live"])
    res = final_json(capsys.readouterr().out)
    assert rc == 0 and res["version"] == 1 and res["status"] == "live" and res["export_dir"] == str(export_dir)
    assert not (tmp_path / "other").exists()

    # republish: the same model as v2, from a sibling copy of the export dir.
    rc = pipeline.main(["republish", "--dsn", pg_dsn, "--export", str(export_dir), "--snapshot", str(work / "snapshot")])
    res = final_json(capsys.readouterr().out)
    assert rc == 0 and res["status"] == "live" and res["version"] == 2
    v2 = Path(res["export_dir"])
    assert v2 == export_dir.parent / "v2"
    meta2 = json.loads((v2 / "metadata.json").read_text())
    assert meta2["model_version"] == 2 and meta2["republished_from"]["version"] == 1
    assert json.loads((export_dir / "metadata.json").read_text())["model_version"] == 1  # the source is untouched
    with psycopg.connect(pg_dsn) as c:
        status = dict(c.execute("SELECT version, status FROM model_registry").fetchall())
        view = c.execute("SELECT version, count(*) FROM item_embeddings GROUP BY version").fetchall()
        e1 = c.execute("SELECT embedding::text FROM item_embeddings_v1 ORDER BY product_id LIMIT 3").fetchall()
        e2 = c.execute("SELECT embedding::text FROM item_embeddings_v2 ORDER BY product_id LIMIT 3").fetchall()
    assert status == {1: "retired", 2: "live"} and view == [(2, 160)]
    assert np.allclose([json.loads(a) for (a,) in e1], [json.loads(b) for (b,) in e2], atol=1e-6)  # same model


def test_ranker_hook_is_skipped_when_absent_and_called_when_present(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "RANKER_MODULE", "training._no_such_ranker")
    assert pipeline.run_ranker(tmp_path, tmp_path, tmp_path) is None
    pkg = tmp_path / "fakepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "ranker.py").write_text("def train_ranker(snapshot_dir, run_dir, export_dir):\n    return {'args': [snapshot_dir, run_dir, export_dir]}\n")
    (pkg / "broken.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(pipeline, "RANKER_MODULE", "fakepkg.ranker")
    assert pipeline.run_ranker(Path("s"), Path("r"), Path("e")) == {"args": ["s", "r", "e"]}
    monkeypatch.setattr(pipeline, "RANKER_MODULE", "fakepkg.broken")
    assert pipeline.run_ranker(Path("s"), Path("r"), Path("e")) is None  # ImportError inside: skipped


def test_auto_version_and_failure_json(pg_dsn, tmp_path, capsys):
    assert pipeline.next_version(pg_dsn) == 1
    with psycopg.connect(pg_dsn) as c:
        c.execute("INSERT INTO model_registry (version, name, status, embedding_table, artifact_dir) VALUES (7, 'x', 'refused', 't', '/nowhere')")
    assert pipeline.next_version(pg_dsn) == 8  # refused versions keep their number
    # --skip-if-live with no live model goes on; an empty database fails at training with a JSON line.
    rc = pipeline.main(["--dsn", pg_dsn, "--work", str(tmp_path / "w"), "--skip-if-live", "--epochs", "1"])
    res = final_json(capsys.readouterr().out)
    assert rc == 1 and res["status"] == "failed" and res["reason"] and "snapshot" in res["seconds"]


def test_the_cli_exits_with_mains_code_after_its_whole_answer(tmp_path):
    # python -m training.pipeline ends with os._exit (no interpreter teardown): the JSON answer must
    # still be out in full, and the exit status must still be main()'s.
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run(
        [sys.executable, "-m", "training.pipeline", "republish", "--dsn", "postgresql://nobody@127.0.0.1:1/none",
         "--export", str(tmp_path / "no-export"), "--snapshot", str(tmp_path / "no-snapshot")],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    res = final_json(r.stdout)
    assert r.returncode == 1 and res["status"] == "failed" and "metadata.json" in res["reason"]
