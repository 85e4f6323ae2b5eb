"""nn.losses: values against hand-computed numbers, gradients against central differences, input checks."""

import math

import numpy as np
import pytest
from oracle import central_diff, close

import nn
from autograd import DomainError, Value


def _grads(loss_fn, datas, *args, **kwargs):
    """(loss value, d loss / d each prediction) with the predictions as leaves."""
    leaves = [Value(d) for d in datas]
    loss = loss_fn(leaves, *args, **kwargs)
    loss.backward()
    return loss.data, [leaf.grad for leaf in leaves]


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_mse_by_hand():
    value, grads = _grads(nn.mse, [1.0, 2.0], [0.0, 4.0])
    assert value == 2.5  # (1 + 4) / 2
    assert grads == [1.0, -2.0]  # 2 (p - t) / n


def test_mse_with_several_outputs():
    preds = [[Value(1.0), Value(0.0)], [Value(3.0), Value(1.0)]]
    loss = nn.mse(preds, np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert loss.data == pytest.approx((1 + 0 + 4 + 0) / 4)
    loss.backward()
    assert preds[1][0].grad == pytest.approx(2 * 2 / 4)
    with pytest.raises(ValueError, match="sample 0 has 2 outputs"):
        nn.mse(preds, [1.0, 2.0])


def test_binary_cross_entropy_by_hand_and_by_central_differences():
    probs, targets = [0.8, 0.3, 0.6], [1, 0, 0.25]
    value, grads = _grads(nn.binary_cross_entropy, probs, targets)

    def f(*ps):
        return -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(ps, targets)) / len(ps)

    assert value == pytest.approx(f(*probs), rel=1e-14)
    assert value == pytest.approx(-(math.log(0.8) + math.log(0.7) + 0.25 * math.log(0.6) + 0.75 * math.log(0.4)) / 3)
    for i in range(3):
        assert close(grads[i], central_diff(f, probs, i))


def test_binary_cross_entropy_saturated_outputs():
    assert nn.binary_cross_entropy([Value(1.0), Value(0.0)], [1, 0]).data == 0.0
    with pytest.raises(DomainError, match="infinite loss.*with_logits"):
        nn.binary_cross_entropy([Value(0.0)], [1])
    with pytest.raises(ValueError, match=r"preds\[0\] = 1.5 is not a probability"):
        nn.binary_cross_entropy([Value(1.5)], [1])


@pytest.mark.parametrize("t", [0.0, 1.0, 0.3])
def test_bce_with_logits_equals_bce_of_sigmoid_and_has_gradient_sigmoid_minus_t(t):
    zs = [-2.0, 0.0, 0.5, 3.0]
    value, grads = _grads(nn.binary_cross_entropy_with_logits, zs, [t] * 4)
    reference = nn.binary_cross_entropy([Value(_sigmoid(z)) for z in zs], [t] * 4).data
    assert value == pytest.approx(reference, rel=1e-12)
    for z, g in zip(zs, grads):
        assert g == pytest.approx((_sigmoid(z) - t) / 4, rel=1e-12, abs=1e-15)  # also at z = 0 exactly


def test_bce_with_logits_is_finite_for_huge_logits():
    value, grads = _grads(nn.binary_cross_entropy_with_logits, [1000.0, -1000.0, 1000.0], [1, 0, 0])
    assert value == pytest.approx(1000.0 / 3)
    assert grads == pytest.approx([0.0, 0.0, 1 / 3])


def test_cross_entropy_by_hand():
    logits = [Value(1.0), Value(2.0), Value(3.0)]
    loss, probs = nn.cross_entropy([logits], [2], return_probs=True)
    denominator = math.e + math.e**2 + math.e**3
    assert loss.data == pytest.approx(-math.log(math.e**3 / denominator), rel=1e-14)
    expected = [math.e / denominator, math.e**2 / denominator, math.e**3 / denominator]
    assert probs[0] == pytest.approx(expected, rel=1e-14)
    loss.backward()
    # d/dz_j = softmax_j - [j == target]
    assert [z.grad for z in logits] == pytest.approx([expected[0], expected[1], expected[2] - 1.0], rel=1e-12)


def test_cross_entropy_gradients_match_central_differences_over_a_batch():
    rows = [[0.2, -1.0, 0.7], [1.5, 0.1, -0.3]]
    targets = [1, 0]
    flat = [z for row in rows for z in row]

    def f(*zs):
        total = 0.0
        for s, t in enumerate(targets):
            row = zs[3 * s:3 * s + 3]
            total += math.log(sum(math.exp(z) for z in row)) - row[t]
        return total / len(targets)

    leaves = [Value(z) for z in flat]
    loss = nn.cross_entropy([leaves[:3], leaves[3:]], np.array(targets))
    assert loss.data == pytest.approx(f(*flat), rel=1e-14)
    loss.backward()
    for i, leaf in enumerate(leaves):
        assert close(leaf.grad, central_diff(f, flat, i))


def test_cross_entropy_is_stable_for_huge_logits():
    loss = nn.cross_entropy([[Value(1000.0), Value(0.0)], [Value(-1000.0), Value(1000.0)]], [1, 0])
    assert loss.data == pytest.approx((1000.0 + 2000.0) / 2)  # -log softmax: 1000 and 2000


def test_cross_entropy_checks_labels_and_shapes():
    row = [Value(0.0), Value(1.0)]
    with pytest.raises(ValueError, match=r"targets\[0\] = 2 is out of range for 2 classes"):
        nn.cross_entropy([row], [2])
    with pytest.raises(ValueError, match=r"targets\[0\] = -1 is out of range"):
        nn.cross_entropy([row], [-1])
    with pytest.raises(TypeError, match="class index"):
        nn.cross_entropy([row], [0.5])
    with pytest.raises(ValueError, match=r"preds\[1\] has 3 logits but preds\[0\] has 2"):
        nn.cross_entropy([row, [1.0, 2.0, 3.0]], [0, 0])
    with pytest.raises(ValueError, match="at least 2 logits"):
        nn.cross_entropy([Value(1.0)], [0])
    assert nn.cross_entropy([row], [1.0]).data == pytest.approx(math.log(1 + math.e) - 1.0)


def test_softmax():
    probs = nn.softmax([Value(1.0), Value(2.0), Value(1000.0)])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert probs[2].data == pytest.approx(1.0) and probs[0].data == pytest.approx(math.exp(-999.0))
    small = nn.softmax([0.0, math.log(3.0)])
    assert [p.data for p in small] == pytest.approx([0.25, 0.75])


def test_hinge_by_hand():
    value, grads = _grads(nn.hinge, [0.5, -2.0, 3.0, 2.0], [1, 1, -1, 1])
    assert value == (0.5 + 3.0 + 4.0 + 0.0) / 4
    assert grads == [-0.25, -0.25, 0.25, 0.0]
    with pytest.raises(ValueError, match=r"targets\[1\] = 0.0; hinge labels are -1 or \+1"):
        nn.hinge([Value(0.5), Value(1.0)], [1, 0])


def test_penalties():
    params = [Value(0.5), Value(-2.0), Value(3.0)]
    reg = nn.l2(params)
    assert reg.data == 0.25 + 4.0 + 9.0 and reg.op == "dot"
    reg.backward()
    assert [p.grad for p in params] == [1.0, -4.0, 6.0]
    for p in params:
        p.grad = 0.0
    lasso = nn.l1(params)
    assert lasso.data == 5.5
    lasso.backward()
    assert [p.grad for p in params] == [1.0, -1.0, 1.0]
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value"):
        nn.l2([Value(1.0), 2.0])


@pytest.mark.parametrize("loss", [nn.mse, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits, nn.hinge])
def test_batch_checks(loss):
    with pytest.raises(ValueError, match="empty"):
        loss([], [])
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        loss([Value(0.5), Value(0.5)], [1, 1, 1])
    with pytest.raises(TypeError, match="must be a list"):
        loss(Value(0.5), [1])


def test_loss_names():
    assert nn.get_loss("bce") is nn.binary_cross_entropy
    assert nn.get_loss("bce_logits") is nn.binary_cross_entropy_with_logits
    assert nn.get_loss("ce") is nn.cross_entropy and nn.get_loss("hinge") is nn.hinge
    assert nn.get_loss("mse") is nn.mse
    with pytest.raises(ValueError, match="'mse'"):
        nn.get_loss("l2")
