"""Every knob of Souk's two-tower, with the reason for each default.

One dataclass for the model (shapes: what export and serving must agree on) and one for training
(how we get there). Both are plain dataclasses so a checkpoint stores them as dicts beside the
weights (`asdict`) and `ModelConfig(**d)` rebuilds the exact model.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ModelConfig:
    # Vocabulary sizes; filled in from the data (features.Vocab) so there is no default that fits.
    n_users: int = 0
    n_items: int = 0
    n_age_groups: int = 8  # the 6 age bands of the users table, plus unknown/padding
    n_genders: int = 4  # free text in the schema; a handful of values plus unknown
    n_cities: int = 64  # resized from data; small default keeps tests fast
    n_categories: int = 64  # product category vocabulary; also used for stated preferences
    n_brands: int = 64  # product brand vocabulary; also used for stated preferences
    n_price_ranges: int = 5  # price_range is 1..4 in the schema, 0 = unknown
    n_verticals: int = 4  # RESTAURANT, CONVENIENCE, SUPERMARKET, unknown

    # ID-only configuration: no side features, for datasets that have nothing but interactions
    # (Gowalla). The towers then reduce to id embedding (+ history for the user) -> L2 norm.
    id_only: bool = False

    # User tower input widths (the defaults).
    user_id_dim: int = 16  # small: ids of heavy users are learnable, but most of the signal is in features
    demo_dim: int = 16  # age/gender/city: low-cardinality, little information, keep narrow
    pref_dim: int = 32  # stated favourite categories/brands, mean-pooled
    text_dim: int = 384  # all-MiniLM-L6-v2 output width; frozen, fed as is
    image_dim: int = 1280  # EfficientNet-sized image vector from product_images
    visual_dim: int = 128  # 1280 -> 128 projection of the user's visual preference and item image
    session_dim: int = 32  # last-N products aggregated by attention
    session_len: int = 20  # last 20 positive products, as the visual-preference definition

    # Product tower input widths.
    item_id_dim: int = 16  # as user_id_dim: cold products must rank from content, so ids stay small
    attr_dim: int = 32  # category, brand, price range, vertical, summed

    # Shared MLP head: concat -> 1024 -> 512 -> out_dim, as the issue specifies. Empty `hidden`
    # gives a linear map (or identity when the widths already match) for the ID-only model.
    hidden: tuple[int, ...] = (1024, 512)
    out_dim: int = 128  # item_embeddings is vector(128) in the database: serving depends on it
    dropout: float = 0.1  # light: the towers are wide and the data for Souk is small

    # History aggregation (SimpleX / YoutubeDNN): the user tower mean-pools the embeddings of the
    # user's past items and mixes them with the user id embedding. This is what lets a two-tower
    # reach graph-model quality on Gowalla; gate = weight of the history branch.
    use_history: bool = True
    history_gate: float = 0.5  # SimpleX's best g on Gowalla-like data is around 0.5
    history_max: int = 200  # cap: a few power users have >1000 items; mean of 200 is stable


@dataclass
class TrainConfig:
    seed: int = 1337
    epochs: int = 30
    batch_size: int = 512  # users (or examples) per step; large batches give more in-batch negatives
    lr: float = 3e-3  # AdamW on embeddings + MLP; higher diverges with the learned temperature
    weight_decay: float = 1e-5  # mild: embeddings of rare ids should not grow without bound
    warmup_frac: float = 0.05  # linear warmup then cosine decay to 10% of lr
    loss: str = "softmax"  # softmax (in-batch + log-Q) | infonce | triplet
    temperature: float = 0.07  # initial temperature for cosine logits; learned if learn_temperature
    learn_temperature: bool = True
    logq: bool = True  # subtract log sampling probability of in-batch negatives (Yi et al. 2019)
    # Hard negatives per example on top of the B-1 in-batch ones (impressions shown but not chosen,
    # then text-nearest products); 4 of 515 negatives is a mix ratio of ~1%: enough to sharpen
    # near-duplicates without drowning the popularity-corrected in-batch signal.
    hard_negatives: int = 4
    triplet_margin: float = 0.2  # cosine margin for the triplet option
    feature_dropout: float = 0.2  # zero the behavioural inputs of ~20% of users: trains the cold path
    patience: int = 3  # evaluations without val Recall@K gain before stopping
    eval_k: int = 50  # early stopping metric cut-off (issue: Recall@50 is the demo goal)
    interaction_weights: dict[str, float] = field(
        default_factory=lambda: {"VIEW": 1.0, "CLICK": 1.0, "SAVE": 3.0, "ADD_TO_CART": 5.0, "PURCHASE": 10.0, "REVIEW": 5.0}
    )  # the weights: view 1, add-to-cart 5, purchase 10
    out_dir: str = "training/runs/default"
    device: str = "auto"  # cuda with bf16 autocast when present, else cpu
    num_threads: int = 2  # this machine has 2 cores; more threads only add contention
