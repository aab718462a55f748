"""Magika's content-type model, loaded once per process, scoring every label it knows.

Magika's public API gives only its top label; a guess that shows its next candidates needs the
whole probability vector, so this module runs Magika's own feature extraction and model on a
buffer (private methods of magika 1.0.x, hence the pin in pyproject.toml; the tests compare the
top label with Magika's public `identify_bytes`). Loading takes about a second and ~100 MB, so
it happens once per process, on first use or at start-up through `load()`.
"""

import io
import threading
from pathlib import Path

_lock = threading.Lock()
_model = None


class ContentModel:
    def __init__(self):
        import onnxruntime
        from magika import Magika

        self._magika = Magika()
        # One thread that sleeps when idle: a highlighter process answers one request at a time,
        # and onnxruntime's default (a spinning thread per core) slows everything on a busy machine.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._magika._onnx_session = onnxruntime.InferenceSession(
            self._magika._model_path, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._config = self._magika._model_config
        self.labels = [str(label) for label in self._magika._target_labels_space]

    def scores(self, data):
        """[(magika label, probability)], most likely first; [] when there is too little to judge."""
        from magika.types.seekable import Seekable

        config = self._config
        features = self._magika._extract_features_from_seekable(
            Seekable(io.BytesIO(data)),
            config.beg_size,
            config.mid_size,
            config.end_size,
            config.padding_token,
            config.block_size,
            config.use_inputs_at_offsets,
        )
        if not data or features.beg[config.min_file_size_for_dl - 1] == config.padding_token:
            return []
        probabilities = self._magika._get_raw_predictions([(Path("-"), features)])[0]
        ranked = sorted(zip(self.labels, probabilities), key=lambda pair: pair[1], reverse=True)
        return [(label, float(p)) for label, p in ranked]


def load():
    """The process's one model, loaded on first call (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = ContentModel()
    return _model
