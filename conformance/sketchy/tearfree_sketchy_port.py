"""A NumPy port of Sketchy as google-research/precondition implements it (tearfree/sketchy.py, with the SGD
grafting of tearfree/grafting.py and the momentum of tearfree/momentum.py, chained as tearfree/optimizer.py does).

Written for qshampoo's conformance suite, line by line from the official JAX code and in its arithmetic (float32
throughout, LAPACK QR and SVD through numpy); nothing is imported from it. Each part names the official lines it
mirrors as "sketchy.py:N" (file and line of google-research/precondition, precondition/tearfree/, as read for
this port, copyright 2025). What is left out: the `ekfac_svd`, `add_ggt`, `memory_alloc` and `linear_approx_tail`
options (all off by default), sharding specs, and the reshaper (second_order.py merges dimensions whose product is
at most `merge_dims`; a caller that wants a matrix to stay a matrix sets merge_dims below its size).
"""
import numpy as np

F32 = np.float32


class Options:
    """sketchy.py:29-62, the defaults of the dataclass (rank 128, relative epsilon 1e-7, decay 0.999)."""

    def __init__(self, epsilon=1e-7, rank=128, relative_epsilon=True, second_moment_decay=0.999, update_freq=1):
        # sketchy.py:116-131, _validate
        if update_freq <= 0:
            raise ValueError("update_freq must be positive, got %r" % update_freq)
        if not 0 <= second_moment_decay <= 1:
            raise ValueError("second_moment_decay must lie in [0, 1], got %r" % second_moment_decay)
        if rank <= 0:
            raise ValueError("rank must be at least 1, got %r" % rank)
        self.epsilon = epsilon
        self.rank = rank
        self.relative_epsilon = relative_epsilon
        self.second_moment_decay = second_moment_decay
        self.update_freq = update_freq


class AxisState:
    """sketchy.py:77-100, the per-dimension state (the optional ekfac/ggt fields are left out)."""

    def __init__(self, eigvecs, eigvals, inv_eigvals, tail, inv_tail):
        self.eigvecs = eigvecs          # d x k, the kept directions (masked columns are zero)
        self.eigvals = eigvals          # k, singular values of the sketch factor B (square roots of covariance eigenvalues)
        self.inv_eigvals = inv_eigvals  # k, (undeflated + eps)^(-1/(2 ndim)) or 0 where masked
        self.tail = tail                # scalar, the escaped mass
        self.inv_tail = inv_tail        # scalar, (tail + eps)^(-1/(2 ndim)) or 0 when tail == 0


def init(options, shape):
    """sketchy.py:163-210: one zero AxisState per dimension, k = min(d, rank); the step count starts at 0."""
    axes = []
    for d in shape:
        if d == 1:
            raise ValueError("shape %r has unit dimensions" % (shape,))  # sketchy.py:174-177
        k = min(d, options.rank)                                            # sketchy.py:188
        axes.append(AxisState(np.zeros((d, k), F32), np.zeros(k, F32), np.zeros(k, F32), F32(0), F32(0)))
    return {"count": 0, "axes": axes}


def update_axis(options, dim, update, axis):
    """sketchy.py:390-515, _update_axis: one FD step for dimension `dim` (non-ekfac, non-linear-tail branch)."""
    d = update.shape[dim]
    k = min(d, options.rank)                                                  # sketchy.py:401
    assert axis.eigvecs.shape == (d, k)
    sketch_dk = axis.eigvecs * axis.eigvals[np.newaxis, :]                    # sketchy.py:406
    others = [i for i in range(update.ndim) if i != dim]
    g_dm = np.transpose(update, [dim] + others).reshape(d, -1)               # sketchy.py:407-408
    decay = F32(np.sqrt(F32(options.second_moment_decay)))                   # sketchy.py:409 (sqrt of the decay)
    updated = np.concatenate([sketch_dk * decay, g_dm], axis=1)               # sketchy.py:413
    updated = np.linalg.qr(updated.T, mode="r").T                            # sketchy.py:416 (a mathematical no-op)
    if np.isfinite(updated).all():                                            # sketchy.py:418-428, _safe_svd
        u, s, _ = np.linalg.svd(updated, full_matrices=False)
    else:
        m = min(updated.shape)
        u, s = np.full((d, m), np.nan, F32), np.full(m, np.nan, F32)
    assert u.shape[1] >= k                                                    # sketchy.py:431-432
    zero = F32(0)
    cutoff = np.maximum(s[k], zero) if k < len(s) else zero                  # sketchy.py:434
    top_eigs = np.maximum(s[:k], zero)                                        # sketchy.py:435
    deflated = (np.sqrt(np.maximum(zero, top_eigs - cutoff))                  # sketchy.py:436-438
                * np.sqrt(top_eigs + cutoff))
    tail = axis.tail * decay + cutoff ** 2                                    # sketchy.py:454 (tail decays by sqrt)
    undeflated = np.square(np.maximum(top_eigs, zero)) + axis.tail * decay   # sketchy.py:457-459
    eigvecs = u[:, :k]                                                        # sketchy.py:460
    mask = deflated > 0                                                       # sketchy.py:462
    alpha = F32(-1.0 / (2 * update.ndim))                                     # sketchy.py:464
    eigvecs = eigvecs * mask                                                  # sketchy.py:465
    if options.relative_epsilon and options.epsilon > 0:                      # sketchy.py:466-469
        eps = np.max(undeflated) * F32(options.epsilon)
    else:
        eps = F32(options.epsilon)
    with np.errstate(divide="ignore"):
        inv_eigvals = np.where(mask, (undeflated + eps) ** alpha, zero).astype(F32)   # sketchy.py:470
        inv_tail = F32((tail + eps) ** alpha) if tail > 0 else zero                    # sketchy.py:472
    eigvals = deflated * mask                                                 # sketchy.py:471
    return AxisState(eigvecs.astype(F32), eigvals.astype(F32), inv_eigvals, F32(tail), inv_tail)


def precondition(options, update, axes):
    """sketchy.py:347-386, _precondition: for each dimension in turn, the low-rank part scaled by inv_eigvals
    plus the complement scaled by inv_tail; the tensor is rolled so that the next dimension comes first."""
    g = update
    original_shape = g.shape
    roll = tuple(range(1, g.ndim)) + (0,)                                     # sketchy.py:356
    for dim, axis in enumerate(axes):
        d = original_shape[dim]
        assert g.shape[0] == d                                                # sketchy.py:363
        eigvecs = axis.eigvecs
        lowrank_basis = np.tensordot(g, eigvecs, axes=[[0], [0]])             # sketchy.py:370
        lowrank_component = np.tensordot(lowrank_basis, eigvecs, axes=[[g.ndim - 1], [1]])  # sketchy.py:371-373
        g = np.transpose(g, axes=roll)                                        # sketchy.py:374
        complement = g - lowrank_component                                    # sketchy.py:375
        scaled_basis = lowrank_basis * axis.inv_eigvals                       # sketchy.py:379
        g = np.tensordot(scaled_basis, eigvecs, axes=[[g.ndim - 1], [1]])     # sketchy.py:380-383
        g = g + axis.inv_tail * complement                                    # sketchy.py:384-385
    return g.astype(F32)


def sketchy_update(options, update, state):
    """sketchy.py:279-327, _update: statistics at count % update_freq == 0 (count from 0, so steps 1, 1 + T1, ...),
    then the preconditioned update from the (possibly new) sketches; the count advances."""
    should_update = state["count"] % options.update_freq == 0                 # sketchy.py:290
    axes = state["axes"]
    if should_update:                                                         # sketchy.py:300-302
        axes = [update_axis(options, dim, update, a) for dim, a in enumerate(axes)]  # sketchy.py:330-344
    direction = precondition(options, update, axes)                           # sketchy.py:319-324
    return direction, {"count": state["count"] + 1, "axes": axes}            # sketchy.py:325-327


def sgd_graft(grad, direction):
    """grafting.py:279-292 with the SGD graft of grafting.py:164-171 (identity) and start_preconditioning_step 0:
    the preconditioned direction rescaled to ||grad||_F, or 0 when it is 0."""
    base_norm = np.linalg.norm(direction)
    multiplier = np.linalg.norm(grad) / base_norm if base_norm > 0 else F32(0)
    return (direction * F32(multiplier)).astype(F32)


def momentum_trace(velocity, update, decay, nesterov):
    """momentum.py:82-90 (ema False) through optax.trace: v <- decay*v + u; nesterov: u + decay*v, else v."""
    velocity = (F32(decay) * velocity + update).astype(F32)
    out = (update + F32(decay) * velocity).astype(F32) if nesterov else velocity
    return out, velocity


class Tearfree:
    """optimizer.py:61-99: graft(second order) -> momentum -> scale by -lr, for one float32 parameter tensor."""

    def __init__(self, options, shape, lr, momentum=0.9, nesterov=False):
        self.options = options
        self.lr = F32(lr)
        self.momentum = momentum
        self.nesterov = nesterov
        self.state = init(options, shape)
        self.velocity = np.zeros(shape, F32)

    def step(self, param, grad):
        """Returns (new parameter, grafted direction before momentum)."""
        grad = grad.astype(F32)
        direction, self.state = sketchy_update(self.options, grad, self.state)
        grafted = sgd_graft(grad, direction)
        upd = grafted
        if self.momentum:
            upd, self.velocity = momentum_trace(self.velocity, grafted, self.momentum, self.nesterov)
        return (param + F32(-1.0) * self.lr * upd).astype(F32), grafted
