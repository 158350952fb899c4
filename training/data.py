"""Data for the Souk path: snapshot the database into Parquet, split by time, and check for leakage.

    snapshot(dsn, out_dir)  -> out_dir/{users,businesses,products,product_images,interactions}.parquet,
                               with the image vectors in out_dir/product_images.npy
    load_snapshot(dir)      -> Snapshot (pandas frames; skip=(...) leaves tables out)
    time_split(...)         -> Split: train / val / test interactions by occurred_at (default)
    leave_last_out(...)     -> Split: each user's last positive is test, the one before is val
    check_leakage(split, features_as_of, used_interactions) raises LeakageError

The snapshot runs in one REPEATABLE READ, READ ONLY transaction, so every table comes from the
same instant even while the importer keeps writing. It reads over the Postgres wire protocol, so it
works against the real PostgreSQL and against the embedded PGlite served by pglite-socket.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Interaction types that say "the user wanted this product"; IMPRESSION is a shown-not-chosen
# signal (a hard negative), SEARCH carries a query, not a product.
POSITIVE_TYPES = ("VIEW", "CLICK", "ADD_TO_CART", "PURCHASE", "SAVE", "REVIEW")

QUERIES = {
    "users": "SELECT id, age_group, gender, city, favourite_categories, favourite_brands, created_at FROM users",
    "businesses": "SELECT id, vertical, name, city, is_open FROM businesses",
    "products": (
        "SELECT p.id, p.business_id, b.vertical, p.title, p.description, p.category, p.brand, "
        "p.price::float8 AS price, p.price_range, p.created_at, p.updated_at FROM products p JOIN businesses b ON b.id = p.business_id"
    ),
    "product_images": "SELECT product_id, embedding::text AS embedding FROM product_images",
    "interactions": (
        "SELECT event_id, user_id, product_id, business_id, type, query, rating, occurred_at, session_id, device "
        "FROM interactions ORDER BY occurred_at, id"
    ),
}


class LeakageError(AssertionError):
    """A feature or a training example uses information from the evaluation period."""


@dataclass
class Snapshot:
    users: pd.DataFrame
    businesses: pd.DataFrame
    products: pd.DataFrame
    product_images: pd.DataFrame  # product_id, embedding (np.float32 array of 1280)
    interactions: pd.DataFrame


@dataclass
class Split:
    train: pd.DataFrame
    val: pd.DataFrame
    test: pd.DataFrame
    val_start: pd.Timestamp  # first instant of the validation period: features are built as of this
    test_start: pd.Timestamp


def _parse_vector(text: str) -> np.ndarray:
    return np.asarray(text.strip("[]").split(","), dtype=np.float32)


def connect(dsn: str):
    """An autocommit psycopg connection that never prepares statements server-side.

    pglite-socket serves every client from PGlite's one backend: psycopg's automatic prepared
    statements (_pg3_0, _pg3_1, ... per connection, never deallocated on close) would collide
    between connections there (DuplicatePreparedStatement). On PostgreSQL this costs nothing here."""
    import psycopg

    return psycopg.connect(dsn, autocommit=True, prepare_threshold=None)


def snapshot(dsn: str | None, out_dir: str | Path) -> Path:
    """Copy the tables training needs into Parquet files under out_dir. dsn defaults to $DATABASE_URL."""
    dsn = dsn or os.environ["DATABASE_URL"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # One simple-protocol message holding the whole transaction: on PostgreSQL that is the same
    # REPEATABLE READ snapshot; on PGlite behind pglite-socket (one backend shared with the Node
    # process) it also keeps the app's own queries from running inside this READ ONLY transaction
    # between our statements, which they would otherwise do (and fail to write).
    script = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " + "; ".join(QUERIES.values()) + "; COMMIT"
    frames = []
    with connect(dsn) as conn:
        cur = conn.execute(script)
        while True:
            if cur.description is not None:
                frames.append(pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description]))
            if not cur.nextset():
                break
    if len(frames) != len(QUERIES):
        raise RuntimeError(f"snapshot: expected {len(QUERIES)} result sets, got {len(frames)}")
    for name, df in zip(QUERIES, frames):
        if name == "product_images":
            df["embedding"] = [_parse_vector(t) for t in df["embedding"]]
            df = write_image_matrix(df, out)
        df.to_parquet(out / f"{name}.parquet", index=False)
    return out


# The image vectors of a snapshot, as one float32 (rows, dim) matrix beside product_images.parquet
# (which then holds product_id alone, in the matrix's row order). As a Parquet list<double> column,
# the bench's 100k x 1,280 took most of a republish's CPU to read back (decoding a gigabyte of
# doubles, then converting them). The .npy is mapped, not read: its pages are the page cache's,
# shared by every process that reads the snapshot and kept when each exits. A republish that read
# it into its own memory freed half a gigabyte more at exit, and on a virtual machine that reports
# freed memory to its host, that is hypervisor time taken from serving on the same machine
# (README "Serving", eleventh session).
IMAGES_NPY = "product_images.npy"


def save_npy(path: Path, array: np.ndarray) -> None:
    """np.save into a new file renamed over `path`, never the old file rewritten: a reader finds the
    old file or the new one, whole, and a process that has the old one mapped (load_snapshot) keeps
    reading what it mapped instead of faulting on a truncated file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.save(f, array)
    os.replace(tmp, path)


def write_image_matrix(df: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Writes df's image vectors to out/product_images.npy; returns what goes into the Parquet file."""
    npy = out / IMAGES_NPY
    vecs = [np.asarray(v, dtype=np.float32) for v in df["embedding"]]
    if vecs and len({len(v) for v in vecs}) == 1:
        save_npy(npy, np.stack(vecs))
        return df[["product_id"]]
    # No rows, or vectors of different widths (the column is vector(1280), so only a changed
    # schema could do that): the lists go into the Parquet file as before, and a stale matrix goes.
    npy.unlink(missing_ok=True)
    return df.assign(embedding=[v.tolist() for v in vecs])


def load_snapshot(d: str | Path, skip: tuple[str, ...] = ()) -> Snapshot:
    """The snapshot's frames; those named in `skip` come back empty, with their columns (a republish
    needs the catalogue, not the million interactions: reading them was seconds of its CPU)."""
    d = Path(d)
    unknown = set(skip) - set(QUERIES)
    if unknown:
        raise ValueError(f"load_snapshot: no table {sorted(unknown)} in a snapshot (tables: {list(QUERIES)})")
    frames = {
        name: _empty(d / f"{name}.parquet") if name in skip
        else _read_images(d / f"{name}.parquet") if name == "product_images"
        else pd.read_parquet(d / f"{name}.parquet")
        for name in QUERIES
    }
    inter = frames["interactions"]
    inter["occurred_at"] = pd.to_datetime(inter["occurred_at"], utc=True)
    return Snapshot(**frames)


def _empty(path: Path) -> pd.DataFrame:
    """A skipped table: no rows, the columns it would have had."""
    import pyarrow.parquet as pq

    df = pq.read_schema(path).empty_table().to_pandas()
    if path.name == "product_images.parquet" and "embedding" not in df:
        df["embedding"] = pd.Series([], dtype=object)
    return df


def _read_images(path: Path) -> pd.DataFrame:
    """product_images.parquet with each embedding as a float32 array (a row of the .npy matrix
    beside it, or, in a snapshot written before there was one, converted from the list column)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    npy = path.with_name(IMAGES_NPY)
    if npy.exists():
        df = pd.read_parquet(path)
        mat = np.load(npy, mmap_mode="r")  # read-only rows over the page cache (above)
        if mat.ndim != 2 or len(mat) != len(df):
            raise ValueError(f"{npy}: shape {mat.shape} does not match the {len(df)} rows of {path.name}")
        df["embedding"] = list(mat)
        return df
    # The list column is converted as one flat column, not row by row: for the bench's 100k x 1,280
    # pandas' per-row conversion was 5.4 s of a republish's 23.
    t = pq.read_table(path)
    emb = t.column("embedding").combine_chunks()
    flat = emb.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    ends = np.cumsum(pc.list_value_length(emb).fill_null(0).to_numpy(zero_copy_only=False))
    df = t.drop_columns(["embedding"]).to_pandas()
    df["embedding"] = np.split(flat, ends[:-1]) if len(ends) else []
    return df


def positives(inter: pd.DataFrame) -> pd.DataFrame:
    return inter[inter["type"].isin(POSITIVE_TYPES) & inter["product_id"].notna()]


def time_split(inter: pd.DataFrame, val_frac: float = 0.1, test_frac: float = 0.1) -> Split:
    """Global time split: the last test_frac of events (by time) are test, the val_frac before are val.

    A global cut (not per user) is what serving faces: the model is trained on the past and
    judged on a future it has not seen, for every user at once.
    """
    t = inter["occurred_at"].sort_values()
    val_start = t.iloc[int(len(t) * (1 - val_frac - test_frac))]
    test_start = t.iloc[int(len(t) * (1 - test_frac))]
    return Split(
        train=inter[inter["occurred_at"] < val_start],
        val=inter[(inter["occurred_at"] >= val_start) & (inter["occurred_at"] < test_start)],
        test=inter[inter["occurred_at"] >= test_start],
        val_start=val_start,
        test_start=test_start,
    )


def leave_last_out(inter: pd.DataFrame) -> Split:
    """Per user: last positive -> test, the one before -> val, the rest (and all non-positives
    before them) -> train. val_start/test_start are the earliest held-out instants, for the leakage check."""
    inter = inter.sort_values("occurred_at", kind="stable")
    pos = positives(inter)
    rank = pos.groupby("user_id").cumcount(ascending=False)  # 0 = last positive of the user
    test = pos[rank == 0]
    val = pos[rank == 1]
    held = set(test.index) | set(val.index)
    first_held = pd.concat([test, val]).groupby("user_id")["occurred_at"].min()
    cut = inter["user_id"].map(first_held)
    train = inter[~inter.index.isin(held) & (cut.isna() | (inter["occurred_at"] < cut))]
    return Split(
        train=train, val=val, test=test,
        val_start=val["occurred_at"].min() if len(val) else test["occurred_at"].min(),
        test_start=test["occurred_at"].min(),
    )


def check_leakage(split: Split, features_as_of: pd.Timestamp, used: pd.DataFrame, per_user: bool = False) -> None:
    """Fail if training saw the evaluation period.

    features_as_of: the instant the features were computed at; used: every interaction that went
    into features or training examples (event_id, user_id, occurred_at). For a global time split
    everything used must be strictly before val_start; for leave-last-out (per_user) no used event of
    a user may be at or after that user's first held-out event, and no held-out event may be used.
    """
    held = pd.concat([split.val, split.test])
    leaked_ids = set(used["event_id"]) & set(held["event_id"])
    if leaked_ids:
        raise LeakageError(f"{len(leaked_ids)} validation/test events reached training, e.g. {sorted(leaked_ids)[:3]}")
    if per_user:
        first_held = held.groupby("user_id")["occurred_at"].min()
        cut = used["user_id"].map(first_held)
        late = used[cut.notna() & (used["occurred_at"] >= cut)]
        if len(late):
            raise LeakageError(f"{len(late)} events at or after their user's held-out period reached training")
        return
    if features_as_of > split.val_start:
        raise LeakageError(f"features computed as of {features_as_of}, after the validation start {split.val_start}")
    late = used[used["occurred_at"] >= split.val_start]
    if len(late):
        raise LeakageError(f"{len(late)} events from the evaluation period reached training, first at {late['occurred_at'].min()}")
