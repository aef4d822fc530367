"""madmom's network ensembles run all at once: every network and both directions of each layer in one batch.

madmom runs each of an ensemble's 8 bidirectional LSTM networks on its own,
one Python step per frame, layer and direction: 48 passes over the song, about
7 s for 30 s of audio on this project's 2-core machine. The arithmetic per step
is tiny, so the time is Python's; stacking the 16 recurrences of a layer (8
networks x 2 directions) into one batch does the same arithmetic in a sixteenth
of the steps. The maths is madmom's own (``madmom.ml.nn.layers``: LSTM with
peephole connections, tanh cell and output, a feed-forward output layer), on
madmom's weights, and the predictions match madmom's to float32 precision
(``tests/test_analysis_trackers.py``). Networks of any other shape run through
madmom unchanged.

Examples
--------
>>> processor = ...                                     # doctest: +SKIP
>>> activations = process(processor, signal)           # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit


def _lstm_parts(layer):
    """``(W, R, b, peepholes)`` of one madmom LSTMLayer, gates in the order input, forget, cell, output."""
    gates = (layer.input_gate, layer.forget_gate, layer.cell, layer.output_gate)
    weights = np.concatenate([g.weights for g in gates], axis=1)
    recurrent = np.concatenate([g.recurrent_weights for g in gates], axis=1)
    bias = np.concatenate([np.broadcast_to(g.bias, g.weights.shape[1]) for g in gates])
    peepholes = np.stack([layer.input_gate.peephole_weights, layer.forget_gate.peephole_weights,
                          layer.output_gate.peephole_weights])
    return weights, recurrent, bias, peepholes, layer.init, layer.cell_init


def _batchable(networks) -> bool:
    """Whether every network is bidirectional peephole-LSTM layers then one feed-forward layer, all of one shape."""
    from madmom.ml.nn.activations import tanh
    from madmom.ml.nn.layers import BidirectionalLayer, FeedForwardLayer, LSTMLayer

    def shape(net):
        layers = net.layers
        if not layers or not isinstance(layers[-1], FeedForwardLayer):
            return None
        out = []
        for layer in layers[:-1]:
            if not (isinstance(layer, BidirectionalLayer) and isinstance(layer.fwd_layer, LSTMLayer)
                    and isinstance(layer.bwd_layer, LSTMLayer)):
                return None
            for lstm in (layer.fwd_layer, layer.bwd_layer):
                if lstm.activation_fn is not tanh or lstm.cell.activation_fn is not tanh or any(
                        g.peephole_weights is None for g in (lstm.input_gate, lstm.forget_gate, lstm.output_gate)):
                    return None
            out.append(layer.fwd_layer.cell.weights.shape)
        return tuple(out), layers[-1].weights.shape, layers[-1].activation_fn

    shapes = {shape(net) for net in networks}
    return len(shapes) == 1 and None not in shapes


def _bidirectional(inputs: np.ndarray, layers) -> np.ndarray:
    """One bidirectional LSTM layer of every network at once.

    ``inputs`` (n_networks, n_frames, n_in); ``layers`` the networks' BidirectionalLayers.
    Returns (n_networks, n_frames, 2 * n_hidden): forward and backward outputs side by side, as madmom stacks them.
    """
    parts = [_lstm_parts(lstm) for layer in layers for lstm in (layer.fwd_layer, layer.bwd_layer)]
    weights, recurrent, bias, peepholes, init, cell_init = (np.stack(p).astype(np.float32) for p in zip(*parts))
    n_nets, n_frames, _ = inputs.shape
    hidden = recurrent.shape[1]
    # batch k = 2 * network + direction; the backward direction reads the frames reversed
    sequences = np.stack([inputs, inputs[:, ::-1]], axis=1).reshape(2 * n_nets, n_frames, -1)
    projected = np.matmul(sequences, weights) + bias[:, None, :]           # (K, T, 4H)
    out = np.empty((2 * n_nets, n_frames, hidden), np.float32)
    prev, state = init.copy(), cell_init.copy()
    p_in, p_forget, p_out = peepholes[:, 0], peepholes[:, 1], peepholes[:, 2]
    for t in range(n_frames):
        z = projected[:, t] + np.matmul(prev[:, None, :], recurrent)[:, 0]
        in_gate = expit(z[:, :hidden] + state * p_in)
        forget_gate = expit(z[:, hidden:2 * hidden] + state * p_forget)
        state = np.tanh(z[:, 2 * hidden:3 * hidden]) * in_gate + state * forget_gate
        prev = np.tanh(state) * expit(z[:, 3 * hidden:] + state * p_out)
        out[:, t] = prev
    out = out.reshape(n_nets, 2, n_frames, hidden)
    return np.concatenate([out[:, 0], out[:, 1, ::-1]], axis=2)


def predictions(ensemble, features: np.ndarray) -> np.ndarray:
    """What ``ensemble(features)`` gives (a madmom NeuralNetworkEnsemble averaging its networks), batched.

    Examples
    --------
    >>> predictions(ensemble, features)  # doctest: +SKIP
    """
    parallel, average = ensemble.processors
    networks = parallel.processors
    if not _batchable(networks):
        return ensemble(features)
    data = np.broadcast_to(np.asarray(features, np.float32), (len(networks),) + np.shape(features))
    for depth in range(len(networks[0].layers) - 1):
        data = _bidirectional(data, [net.layers[depth] for net in networks])
    outputs = [net.layers[-1](data[i]) for i, net in enumerate(networks)]
    return average([out.squeeze() for out in outputs])


def process(processor, signal) -> np.ndarray:
    """A madmom RNN processor (features, ensemble, post-processing) on ``signal``, its ensemble batched.

    Examples
    --------
    >>> process(RNNBeatProcessor(), signal)  # doctest: +SKIP
    """
    features, ensemble, *after = processor.processors
    data = predictions(ensemble, features(signal))
    for step in after:
        data = step(data)
    return data
