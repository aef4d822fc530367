"""madmom's network ensembles run all at once: every network of every ensemble, both directions, in one batch.

madmom runs each of an ensemble's 8 bidirectional LSTM networks on its own,
one Python step per frame, layer and direction: 48 passes over the song per
model, about 7 s for 30 s of audio on this project's 2-core machine. The
arithmetic per step is tiny, so the time is Python's: stacking the
recurrences of a layer (8 networks x 2 directions, times the beat and the
downbeat model together) into one batch does the same arithmetic in a
thirty-second of the steps, each step some fifteen numpy calls on
preallocated buffers. The maths is madmom's own (``madmom.ml.nn.layers``: LSTM with
peephole connections, tanh cell and output, a feed-forward output layer), on
madmom's weights, and the predictions match madmom's to float32 precision
(``tests/test_analysis_trackers.py``). Networks of any other shape run
through madmom unchanged.

Examples
--------
>>> beat_model, downbeat_model = ...                               # doctest: +SKIP
>>> beat, downbeat = process([beat_model, downbeat_model], y)       # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np


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
    """Whether every network is bidirectional peephole-LSTM layers of one depth and width, then a feed-forward layer."""
    from madmom.ml.nn.activations import tanh
    from madmom.ml.nn.layers import BidirectionalLayer, FeedForwardLayer, LSTMLayer

    def widths(net):
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
            out.append(layer.fwd_layer.cell.recurrent_weights.shape)
        return tuple(out)

    found = {widths(net) for net in networks}
    return len(found) == 1 and None not in found


def _bidirectional(inputs: list, layers) -> list:
    """One bidirectional LSTM layer of every network at once.

    ``inputs`` one (n_frames, n_in) array per network (n_in may differ
    between networks); ``layers`` the networks' BidirectionalLayers. Returns
    one (n_frames, 2 * n_hidden) array per network: forward and backward
    outputs side by side, as madmom stacks them.
    """
    parts = [_lstm_parts(lstm) for layer in layers for lstm in (layer.fwd_layer, layer.bwd_layer)]
    weights, recurrent, bias, peepholes, init, cell_init = (list(p) for p in zip(*parts))
    n_frames, hidden = len(inputs[0]), recurrent[0].shape[0]
    k = 2 * len(inputs)  # batch item 2 * network + direction; the backward direction reads the frames reversed
    projected = np.empty((n_frames, k, 4, hidden), np.float32)
    for i, x in enumerate(inputs):
        both = np.asarray(x, np.float32) @ np.concatenate(weights[2 * i:2 * i + 2], axis=1).astype(np.float32)
        projected[:, 2 * i] = (both[:, :4 * hidden] + bias[2 * i]).reshape(n_frames, 4, hidden)
        projected[::-1, 2 * i + 1] = (both[:, 4 * hidden:] + bias[2 * i + 1]).reshape(n_frames, 4, hidden)
    # The logistic function is tanh(x / 2) / 2 + 1 / 2: with the gates' pre-activations halved up front (exact in
    # floating point), the input and forget gates and the cell take one tanh together; scipy's expit on float32
    # costs several tanh calls.
    half_gates = np.array([0.5, 0.5, 1.0, 0.5], np.float32)[:, None]
    projected *= half_gates
    recurrent = (np.stack(recurrent).reshape(k, hidden, 4, hidden) * half_gates).reshape(k, hidden, -1).astype(np.float32)
    peepholes = np.stack(peepholes).astype(np.float32) * 0.5              # (K, 3, H)
    peep_in_forget, peep_out = np.ascontiguousarray(peepholes[:, :2]), peepholes[:, 2]
    out = np.empty((n_frames, k, hidden), np.float32)
    state = np.stack(cell_init).astype(np.float32)
    prev = np.stack(init).astype(np.float32)[:, None, :]
    z = np.empty((k, 1, 4 * hidden), np.float32)
    gates = z.reshape(k, 4, hidden)
    in_forget_cell, in_forget = gates[:, :3], gates[:, :2]
    in_gate, forget_gate, cell, out_gate = gates[:, 0], gates[:, 1], gates[:, 2], gates[:, 3]
    peeped = np.empty((k, 2, hidden), np.float32)
    for t in range(n_frames):
        np.matmul(prev, recurrent, out=z)
        gates += projected[t]
        np.multiply(state[:, None], peep_in_forget, out=peeped)
        in_forget += peeped
        np.tanh(in_forget_cell, out=in_forget_cell)
        in_forget *= 0.5
        in_forget += 0.5
        cell *= in_gate
        state *= forget_gate
        state += cell
        np.multiply(state, peep_out, out=peeped[:, 0])
        out_gate += peeped[:, 0]
        np.tanh(out_gate, out=out_gate)
        out_gate *= 0.5
        out_gate += 0.5
        hidden_out = out[t]
        np.tanh(state, out=hidden_out)
        hidden_out *= out_gate
        prev = hidden_out[:, None]
    return [np.concatenate([out[:, 2 * i], out[::-1, 2 * i + 1]], axis=1) for i in range(len(inputs))]


def predictions(ensembles: list, features: list) -> list:
    """What each ``ensemble(features)`` gives (madmom NeuralNetworkEnsembles averaging their networks), batched.

    All networks of all ensembles run in one batch when they share a shape
    and the features have one length; otherwise each ensemble runs through madmom.

    Examples
    --------
    >>> beat, downbeat = predictions([beat_ensemble, downbeat_ensemble], [beat_features, downbeat_features])  # doctest: +SKIP
    """
    members = [ensemble.processors[0].processors for ensemble in ensembles]
    networks = [net for nets in members for net in nets]
    if not _batchable(networks) or len({len(f) for f in features}) != 1:
        return [ensemble(f) for ensemble, f in zip(ensembles, features)]
    data = [f for f, nets in zip(features, members) for _ in nets]
    for depth in range(len(networks[0].layers) - 1):
        data = _bidirectional(data, [net.layers[depth] for net in networks])
    outputs = [net.layers[-1](x).squeeze() for net, x in zip(networks, data)]
    averages, start = [], 0
    for ensemble, nets in zip(ensembles, members):
        averages.append(ensemble.processors[1](outputs[start:start + len(nets)]))
        start += len(nets)
    return averages


def process(processors: list, y: np.ndarray) -> list:
    """madmom RNN processors (features, ensemble, post-processing) on the mono float32 signal ``y``, batched.

    The features come from :mod:`.madmom_features` (each frame size's
    spectrogram computed once for all processors), the ensembles from
    :func:`predictions`. Returns each processor's activations.

    Examples
    --------
    >>> beat, downbeat = process([RNNBeatProcessor(), RNNDownBeatProcessor()], y)  # doctest: +SKIP
    """
    from .madmom_features import branches, features

    heard = features(y, [branches(processor) for processor in processors])
    found = predictions([processor.processors[1] for processor in processors], heard)
    for i, processor in enumerate(processors):
        for step in processor.processors[2:]:
            found[i] = step(found[i])
    return found
