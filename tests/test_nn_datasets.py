"""nn.datasets: make_moons' algorithm and random order, the other sets' shapes and geometry, the split."""

import numpy as np
import pytest

from nn import datasets


def test_moons_follow_make_moons_algorithm_and_random_order():
    # scikit-learn's documented algorithm: n//2 points on the upper unit half circle (label 0),
    # the rest on the lower one shifted by (1, 0.5) (label 1); the rows permuted with the
    # RandomState's shuffle of the indices (which is what RandomState.permutation does), then
    # Gaussian noise of scale `noise` from the same RandomState.
    n, noise, seed = 101, 0.2, 1337
    rs = np.random.RandomState(seed)
    t_out, t_in = np.linspace(0, np.pi, 50), np.linspace(0, np.pi, 51)
    clean = np.concatenate([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]])
    labels = np.r_[np.zeros(50, int), np.ones(51, int)]
    order = rs.permutation(n)
    expected = clean[order] + noise * rs.standard_normal((n, 2))
    X, y = datasets.moons(n, noise=noise, seed=seed)
    assert np.allclose(X, expected, rtol=0, atol=1e-15)
    assert np.array_equal(y, labels[order]) and y.dtype.kind == "i" and X.shape == (101, 2)


def test_moons_without_noise_lie_on_the_half_circles():
    X, y = datasets.moons(40, noise=None, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    assert len(outer) == 20 and len(inner) == 20
    assert np.allclose(np.hypot(*outer.T), 1.0) and np.all(outer[:, 1] >= -1e-12)
    assert np.allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0) and np.all(inner[:, 1] <= 0.5 + 1e-12)


def test_circles():
    X, y = datasets.circles(50, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(*X.T)
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.3)
    assert (y == 0).sum() == 25


def test_xor_labels():
    X, y = datasets.xor(200, seed=0)
    assert np.array_equal(y, ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int))
    assert np.all(np.abs(X) <= 1.0)


def test_spiral_and_blobs_have_k_balanced_classes():
    X, y = datasets.spiral(100, k=3, noise=0.0, seed=0)
    assert X.shape == (100, 2) and np.bincount(y).tolist() == [34, 33, 33]
    assert np.all(np.hypot(*X.T) <= 1.0 + 1e-12)
    X, y = datasets.blobs(300, k=4, noise=0.1, radius=2.0, seed=0)
    assert np.bincount(y).tolist() == [75] * 4
    for j, angle in enumerate(2 * np.pi * np.arange(4) / 4):
        assert np.allclose(X[y == j].mean(axis=0), [2 * np.cos(angle), 2 * np.sin(angle)], atol=0.05)


def test_regression_sets():
    X, y = datasets.line(30, noise=0.0, slope=3.0, intercept=0.5, seed=0)
    assert X.shape == (30, 1) and np.allclose(y, 3.0 * X[:, 0] + 0.5) and y.dtype == float
    X, y = datasets.sine(30, noise=0.0, seed=0)
    assert np.allclose(y, np.sin(X[:, 0])) and np.all(np.abs(X) <= np.pi)
    noisy = datasets.sine(2000, noise=0.1, seed=0)
    assert np.std(noisy[1] - np.sin(noisy[0][:, 0])) == pytest.approx(0.1, rel=0.1)


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.xor, datasets.spiral,
                                  datasets.blobs, datasets.line, datasets.sine])
def test_seeds_make_sets_reproducible(make):
    a, b, c = make(seed=3), make(seed=3), make(seed=4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_train_val_split():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    (Xt, yt), (Xv, yv) = datasets.train_val_split(X, y, val=0.3, seed=0)
    assert len(Xv) == 3 and len(Xt) == 7
    assert sorted(yt.tolist() + yv.tolist()) == list(range(10))
    assert np.array_equal(Xt[:, 0], 2 * yt)  # rows stay with their labels
    (_, yt2), _ = datasets.train_val_split(X, y, val=0.3, seed=0)
    assert np.array_equal(yt, yt2)
    assert len(datasets.train_val_split(X, y, val=4, seed=0)[1][0]) == 4


@pytest.mark.parametrize("call, error, match", [
    (lambda: datasets.moons(1), ValueError, "n must be >= 2"),
    (lambda: datasets.moons(noise=-0.1), ValueError, "noise must be >= 0"),
    (lambda: datasets.spiral(k=1), ValueError, "k must be >= 2"),
    (lambda: datasets.circles(factor=1.0), ValueError, "factor must be between 0 and 1"),
    (lambda: datasets.blobs(seed=1.5), TypeError,
     "blobs: seed must be None, a non-negative int or a numpy.random.Generator, got float 1.5"),
    (lambda: datasets.spiral(seed=-1), ValueError, "spiral: seed must be >= 0, got -1"),
    (lambda: datasets.train_val_split([[1], [2]], [1], val=0.5), ValueError, "X has 2 samples but y has 1"),
    (lambda: datasets.train_val_split([[1], [2]], [1, 2], val=0.1), ValueError, "leaves 0 of 2 samples"),
    (lambda: datasets.train_val_split([[1], [2]], [1, 2], val=1.5), ValueError, "fraction in"),
])
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
