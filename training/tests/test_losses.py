import math

import torch

from training import losses


def test_logq_matches_hand_computed_example():
    # Two users, two items, temperature 1. cos(u0,v0)=1, cos(u0,v1)=0, cos(u1,v0)=0, cos(u1,v1)=1.
    u = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    v = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    log_q = torch.log(torch.tensor([0.8, 0.2]))  # item 0 is sampled 4x as often as item 1
    # Corrected logits: row 0 = [1 - ln 0.8, 0 - ln 0.2] = [1.2231, 1.6094]; row 1 = [0.2231, 2.6094].
    # CE row 0 = -1.2231 + ln(e^1.2231 + e^1.6094) = 0.90483; row 1 = -2.6094 + ln(e^0.2231 + e^2.6094) = 0.08798.
    l0 = -(1 - math.log(0.8)) + math.log(math.exp(1 - math.log(0.8)) + math.exp(-math.log(0.2)))
    l1 = -(1 - math.log(0.2)) + math.log(math.exp(-math.log(0.8)) + math.exp(1 - math.log(0.2)))
    want = (l0 + l1) / 2
    got = losses.sampled_softmax(u, v, 1.0, log_q=log_q)
    assert abs(got.item() - want) < 1e-5
    assert abs(want - 0.49641) < 1e-4  # the hand-computed number itself
    # Without correction the popular item 0 is an easy positive: the loss differs.
    assert abs(losses.sampled_softmax(u, v, 1.0).item() - want) > 0.05


def test_log_q_from_counts():
    lq = losses.log_q_from_counts(torch.tensor([3, 1, 0]))
    assert torch.allclose(lq.exp(), torch.tensor([3 / 5, 1 / 5, 1 / 5]))


def test_full_softmax_equals_per_interaction_loop():
    torch.manual_seed(0)
    u = torch.nn.functional.normalize(torch.randn(3, 4), dim=-1)
    v = torch.nn.functional.normalize(torch.randn(7, 4), dim=-1)
    rows, cols = torch.tensor([0, 0, 1, 2, 2, 2]), torch.tensor([1, 3, 0, 2, 5, 6])
    want = torch.stack([torch.nn.functional.cross_entropy((u[r] @ v.T / 0.2)[None], c[None]) for r, c in zip(rows, cols)]).mean()
    assert torch.allclose(losses.full_softmax(u, v, rows, cols, 0.2), want, atol=1e-6)


def test_feature_dropout_zeroes_behaviour_of_some_users_only():
    b = {"user_id": torch.arange(1000), "hist_mask": torch.ones(1000, 5), "query_text": torch.ones(1000, 3), "pref_cats_mask": torch.ones(1000, 2)}
    out = losses.feature_dropout(b, 0.2, torch.Generator().manual_seed(0))
    dropped = (out["hist_mask"].sum(1) == 0).float().mean().item()
    assert 0.15 < dropped < 0.25
    assert torch.equal(out["hist_mask"].sum(1) == 0, out["query_text"].sum(1) == 0)  # same users lose everything behavioural
    assert torch.equal(out["pref_cats_mask"], b["pref_cats_mask"])  # stated preferences stay
    assert b["hist_mask"].sum() == 5000  # the input batch is untouched


def test_triplet_and_infonce_are_zero_or_small_for_perfect_embeddings():
    e = torch.eye(4)
    assert losses.triplet(e, e, 0.2).item() == 0.0
    assert losses.infonce(e, e, 0.05).item() < 1e-6


def test_full_ccl_hand_computed():
    # One user, 4 items, cosines [0.95, 0.2, 0.92, -0.5]; positive = item 0; margin 0.9, weight 10.
    cos = torch.tensor([[0.95, 0.2, 0.92, -0.5]])
    got = losses.full_ccl(cos, torch.tensor([0]), torch.tensor([0]), margin=0.9, neg_weight=10.0)
    # (1 - 0.95) + 10 * mean(relu(cos - 0.9)) = 0.05 + 10 * (0.05 + 0 + 0.02 + 0) / 4 = 0.225
    assert abs(got.item() - 0.225) < 1e-6
