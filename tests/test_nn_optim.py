"""nn.optim: SGD, momentum, weight decay, Adam and AdamW against hand-computed updates; all-or-nothing steps."""

import math
import signal

import numpy as np
import pytest

import nn
from autograd import Value


def _param(data, grad, label=None):
    p = Value(data, label)
    p.grad = grad
    return p


def test_sgd_is_p_minus_lr_g():
    p = _param(1.0, 0.5)
    opt = nn.SGD([p], lr=0.1)
    opt.step()
    assert p.data == 1.0 - 0.1 * 0.5 and opt.steps == 1


def test_sgd_momentum_by_hand():
    p = _param(1.0, 0.5)
    opt = nn.SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # v = 0.5, p = 1 - 0.05
    assert p.data == pytest.approx(0.95)
    p.grad = 0.25
    opt.step()  # v = 0.9 * 0.5 + 0.25 = 0.7, p = 0.95 - 0.07
    assert p.data == pytest.approx(0.88)


def test_sgd_weight_decay_adds_wd_times_p_to_the_gradient():
    p = _param(2.0, 0.0)
    nn.SGD([p], lr=0.1, weight_decay=0.5).step()
    assert p.data == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)


def test_adam_first_steps_by_hand():
    p = _param(1.0, 0.5)
    opt = nn.Adam([p], lr=0.1)
    opt.step()
    # m = 0.05, v = 0.00025; bias-corrected 0.5 and 0.25: the step is lr * 0.5 / (0.5 + eps)
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    p.grad = -1.0
    opt.step()
    m = 0.9 * 0.05 + 0.1 * -1.0
    v = 0.999 * 0.00025 + 0.001 * 1.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8))


def test_adam_l2_versus_adamw_decoupled_decay():
    a, w = _param(2.0, 0.0), _param(2.0, 0.0)
    nn.Adam([a], lr=0.1, weight_decay=0.1).step()
    nn.AdamW([w], lr=0.1, weight_decay=0.1).step()
    assert a.data == pytest.approx(2.0 - 0.1 * 0.2 / (0.2 + 1e-8), rel=1e-15)  # g = 0.2: a step of about lr
    assert w.data == pytest.approx(2.0 - 0.1 * 0.1 * 2.0)  # g = 0: only the decay moves it


def test_adamw_decays_by_default_and_adam_does_not():
    a, w, off = _param(2.0, 0.0), _param(2.0, 0.0), _param(2.0, 0.0)
    nn.Adam([a], lr=0.1).step()
    nn.AdamW([w], lr=0.1).step()
    nn.AdamW([off], lr=0.1, weight_decay=0.0).step()
    assert a.data == 2.0 and off.data == 2.0  # g = 0 and no decay: nothing moves
    assert w.data == pytest.approx(2.0 - 0.1 * 0.01 * 2.0)  # the default decay, 0.01


@pytest.mark.parametrize("make", [
    lambda ps: nn.SGD(ps, lr=0.1),
    lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9),
    lambda ps: nn.Adam(ps, lr=0.1),
    lambda ps: nn.AdamW(ps, lr=0.1, weight_decay=0.001),
])
def test_optimizers_minimise_a_quadratic(make):
    x, y = Value(-2.0), Value(4.0)
    opt = make([x, y])
    for _ in range(300):
        opt.zero_grad()
        ((x - 1.0) ** 2 + 2.0 * (y + 3.0) ** 2).backward()
        opt.step()
    assert x.data == pytest.approx(1.0, abs=0.02) and y.data == pytest.approx(-3.0, abs=0.02)


@pytest.mark.parametrize("make", [
    lambda ps: nn.SGD(ps, lr=0.1, momentum=0.5),
    lambda ps: nn.Adam(ps, lr=0.1),
])
def test_a_non_finite_gradient_changes_nothing(make):
    ps = [_param(1.0, 0.5, "w[0]"), _param(2.0, float("nan"), "w[1]")]
    opt = make(ps)
    state = {k: v.tolist() for k, v in vars(opt).items() if isinstance(v, np.ndarray)}  # m, v or velocity
    assert state
    with pytest.raises(ValueError, match=r"gradient of parameter 1 \('w\[1\]'\) is nan; nothing was updated"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0] and opt.steps == 0
    assert {k: v.tolist() for k, v in vars(opt).items() if isinstance(v, np.ndarray)} == state


def test_an_update_that_overflows_changes_nothing():
    ps = [_param(1.0, 1.0), _param(1e308, -1e308)]
    with pytest.raises(ValueError, match="would make parameter 1 inf"):
        nn.SGD(ps, lr=10.0).step()
    assert [p.data for p in ps] == [1.0, 1e308]


def test_schedule_as_learning_rate():
    p = _param(0.0, 1.0)
    opt = nn.SGD([p], lr=nn.schedules.linear(1.0, 0.1, 100))
    seen = []
    for _ in range(3):
        seen.append(opt.lr)
        opt.step()
    assert seen == [1.0, 1.0 - 0.9 * 1 / 100, 1.0 - 0.9 * 2 / 100]
    assert p.data == -sum(seen)
    opt.lr = 0.5
    assert opt.lr == 0.5


def test_zero_grad():
    ps = [_param(1.0, 3.0), _param(2.0, -1.0)]
    nn.Adam(ps).zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


@pytest.mark.parametrize("make, error, match", [
    (lambda: nn.SGD([], lr=0.1), ValueError, "params is empty"),
    (lambda: nn.SGD(Value(1.0), lr=0.1), TypeError, "iterable of Values"),
    (lambda: nn.SGD([Value(1.0), 2.0], lr=0.1), TypeError, r"params\[1\] must be a Value"),
    (lambda: nn.SGD([Value(1.0)] * 2, lr=0.1), ValueError, "more than once"),
    (lambda: nn.SGD([Value(1.0)], lr=-0.1), ValueError, "lr must be > 0, got -0.1"),
    (lambda: nn.SGD([Value(1.0)], lr=0.1, momentum=1.0), ValueError, "momentum must be < 1"),
    (lambda: nn.Adam([Value(1.0)], betas=(0.9,)), TypeError, "betas must be a pair"),
    (lambda: nn.Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
    (lambda: nn.AdamW([Value(1.0)], weight_decay=-1), ValueError, "weight_decay must be >= 0"),
])
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_repr():
    assert repr(nn.SGD([Value(1.0)], lr=0.5)) == "SGD(1 parameters, lr=0.5)"
    assert "linear(start=1.0" in repr(nn.Adam([Value(1.0)], lr=nn.schedules.linear(1.0, 0.1, 10)))


class _SendsCtrlC(Value):
    """A parameter whose next write sends this process a real SIGINT, as a Ctrl-C landing mid-commit would."""

    armed = False

    @property
    def data(self):
        return self.__dict__["value"]

    @data.setter
    def data(self, value):
        if self.armed:
            self.armed = False
            signal.raise_signal(signal.SIGINT)
        self.__dict__["value"] = value


@pytest.mark.parametrize("make", [
    lambda ps: nn.SGD(ps, lr=0.1),
    lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    lambda ps: nn.Adam(ps, lr=0.1),
    lambda ps: nn.AdamW(ps, lr=0.1, weight_decay=0.1),
])
def test_ctrl_c_during_the_writes_waits_until_every_one_is_done(make):
    def params(first):
        return [first, _param(2.0, -0.25), _param(-3.0, 1.5), _param(4.0, 0.0)]

    twin = make(params(_param(1.0, 0.5)))  # the same step with no Ctrl-C: the expected values
    twin.step()
    trap = _SendsCtrlC(1.0)
    trap.grad = 0.5
    opt = make(params(trap))
    trap.armed = True  # the first parameter's write sends the signal: the others are still to come
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    assert not trap.armed  # the signal was sent during the writes
    assert [p.data for p in opt.params] == [p.data for p in twin.params]
    assert opt.steps == twin.steps == 1
    state = [name for name in ("velocity", "m", "v") if hasattr(opt, name)]
    assert [getattr(opt, name).tolist() for name in state] == [getattr(twin, name).tolist() for name in state]


def test_finite_gradients_and_values_whose_sum_overflows_still_step_and_opposite_infinities_are_refused():
    # step() first checks a sum; a sum that overflows must not refuse finite numbers
    ps = [_param(1.7e308, -1e308), _param(1.7e308, -1e308)]
    nn.SGD(ps, lr=1e-10).step()
    assert [p.data for p in ps] == [1.7e308 + 1e-10 * 1e308] * 2
    ps = [_param(1.0, float("inf"), "a"), _param(2.0, float("-inf"), "b")]
    with pytest.raises(ValueError, match=r"gradient of parameter 0 \('a'\) is inf; nothing was updated"):
        nn.Adam(ps, lr=0.1).step()
    assert [p.data for p in ps] == [1.0, 2.0]
