"""The embeddings intent engine, with the real packaged model: ranking, refusing, model folders,
hash checks and the build cache."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pydantic import ValidationError

from chatgw.compiler.project import load_project
from chatgw.config.models import NluConfig
from chatgw.engine.engine import build_intents
from chatgw.errors import ConfigError
from chatgw.nlu.intents import build_intent_engine
from chatgw.nlu.intents.embeddings import _sentence
from chatgw.nlu.intents.embeddings._encoder import (
    MODEL_SHA256,
    ModelFiles,
    load_encoder,
    model_files,
)
from tests.nlu.test_intents import SUPPORT
from tests.projects import HOURS, SHOP_CONFIG, write_acme, write_shop

PARAPHRASES = [
    ("somebody got hold of my secret token", "reset_api_key"),
    ("please issue me a fresh key", "reset_api_key"),
    ("how much of my allowance is used up", "check_usage"),
    ("show me how many calls I made", "check_usage"),
    ("the api keeps refusing me with too many requests", "lift_rate_limit"),
    ("we need a higher throughput limit", "lift_rate_limit"),
    ("I'd like the premium tier please", "upgrade_plan"),
    ("can I get a better subscription", "upgrade_plan"),
]
OUT_OF_SCOPE = [
    "what's the weather in Paris tomorrow",
    "play some jazz music",
    "tell me a joke",
    "how do I bake sourdough bread",
    "who won the football game last night",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("intent-cache")


@pytest.fixture(scope="module")
def engine(cache: Path):
    return build_intent_engine(SUPPORT, engine="embeddings", cache_dir=cache)


@pytest.fixture(scope="module")
def own_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder as a user would bring one: the packaged files, copied."""
    packaged = model_files(None)
    folder = tmp_path_factory.mktemp("models") / "my-encoder"
    folder.mkdir()
    shutil.copyfile(packaged.model, folder / "model.onnx")
    shutil.copyfile(packaged.tokenizer, folder / "tokenizer.json")
    return folder


@pytest.mark.parametrize(("message", "intent"), PARAPHRASES)
def test_embeddings_rank_paraphrases_right(engine, message: str, intent: str):
    match = engine.match(message)
    assert match.name == intent, match


@pytest.mark.parametrize("message", OUT_OF_SCOPE)
def test_embeddings_out_of_scope_falls_below_the_threshold(engine, message: str):
    match = engine.match(message)
    assert match.name is None
    assert match.confidence < engine.threshold


def test_embeddings_candidates_are_ranked_and_bounded(engine):
    match = engine.match("rotate my api key")
    confidences = [c.confidence for c in match.candidates]
    assert len(match.candidates) == 3
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_embeddings_empty_message_has_no_candidates(engine):
    assert engine.match("   ").candidates == ()


def test_embeddings_patterns_and_keywords_apply(cache: Path):
    engine = build_intent_engine(
        SUPPORT,
        engine="embeddings",
        cache_dir=cache,
        patterns={"reset_api_key": [r"\bsk_live_\w+"]},
        keywords={"apply_credit": ["kudos"]},
    )
    assert engine.match("sk_live_abc123").confidence >= 0.99
    assert engine.match("kudos").name == "apply_credit"


def test_embeddings_single_intent_accepts_paraphrase_and_refuses_the_rest(cache: Path):
    engine = build_intent_engine(
        {"reset_api_key": SUPPORT["reset_api_key"]}, engine="embeddings", cache_dir=cache
    )
    assert engine.match("please issue me a fresh key").name == "reset_api_key"
    assert engine.match("play some jazz music").name is None


def test_embeddings_user_model_folder_works(own_model: Path, tmp_path: Path):
    mine = build_intent_engine(SUPPORT, engine="embeddings", model=own_model, cache_dir=tmp_path)
    for message, intent in PARAPHRASES:
        assert mine.match(message).name == intent
    assert mine.match(OUT_OF_SCOPE[0]).name is None


def test_embeddings_user_model_through_the_project_plan(own_model: Path, tmp_path: Path):
    # a relative nlu.model is read from the project's folder, wherever the command runs
    shutil.copytree(own_model, tmp_path / "models" / "mine")
    config = write_acme(tmp_path, extra="nlu: {engine: embeddings, model: models/mine}\n")
    project = load_project(config)
    assert project.nlu.model == str(tmp_path / "models" / "mine")
    intents = build_intents(project)
    assert intents.encoder.name == str(tmp_path / "models" / "mine")
    assert intents.match("rotate my api key for proj_8f2k1").name is not None


def test_embeddings_model_folder_without_tokenizer_is_a_clear_error(tmp_path: Path):
    (tmp_path / "model.onnx").write_bytes(b"")
    with pytest.raises(ConfigError, match="no tokenizer.json"):
        build_intent_engine(SUPPORT, engine="embeddings", model=tmp_path)


def test_embeddings_missing_model_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="is not a folder"):
        build_intent_engine(SUPPORT, engine="embeddings", model=tmp_path / "nope")


def test_embeddings_corrupted_model_file_is_refused(tmp_path: Path):
    packaged = model_files(None)
    corrupted = tmp_path / "model.onnx"
    data = bytearray(packaged.model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    corrupted.write_bytes(bytes(data))
    files = dataclasses.replace(packaged, model=corrupted)
    assert files.model_sha256 == MODEL_SHA256
    with pytest.raises(ConfigError, match="not the recorded 8199be6f.*not run; reinstall"):
        load_encoder(files)


def test_embeddings_file_that_is_not_onnx_is_a_clear_error(tmp_path: Path):
    packaged = model_files(None)
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    shutil.copyfile(packaged.tokenizer, tmp_path / "tokenizer.json")
    with pytest.raises(ConfigError, match="not an ONNX model"):
        load_encoder(model_files(tmp_path))


def test_embeddings_second_build_is_served_from_the_cache(tmp_path: Path):
    first = build_intent_engine(SUPPORT, engine="embeddings", cache_dir=tmp_path)
    assert not first.cached
    assert first.encoder.encoded == sum(len(v) for v in SUPPORT.values())
    assert len(list(tmp_path.glob("intents-*.npz"))) == 1
    second = build_intent_engine(SUPPORT, engine="embeddings", cache_dir=tmp_path)
    assert second.cached
    assert second.encoder.encoded == 0
    assert second.threshold == first.threshold
    for message, _ in PARAPHRASES:
        assert second.match(message) == first.match(message)


def test_embeddings_changed_example_misses_the_cache(tmp_path: Path):
    build_intent_engine(SUPPORT, engine="embeddings", cache_dir=tmp_path)
    changed = {**SUPPORT, "check_usage": [*SUPPORT["check_usage"], "usage report please"]}
    engine = build_intent_engine(changed, engine="embeddings", cache_dir=tmp_path)
    assert not engine.cached
    assert len(list(tmp_path.glob("intents-*.npz"))) == 2


def test_embeddings_unreadable_cache_file_is_rebuilt(tmp_path: Path):
    build_intent_engine(SUPPORT, engine="embeddings", cache_dir=tmp_path)
    (cache_file,) = tmp_path.glob("intents-*.npz")
    cache_file.write_bytes(b"garbage")
    engine = build_intent_engine(SUPPORT, engine="embeddings", cache_dir=tmp_path)
    assert not engine.cached
    assert engine.match(PARAPHRASES[0][0]).name == PARAPHRASES[0][1]


def test_embeddings_ids_in_a_message_do_not_outweigh_its_words(cache: Path):
    engine = build_intent_engine(
        {
            "show_usage": ["show me the usage of proj_8f2k1", "how many requests did we make"],
            "rotate_key": ["rotate the token for proj_8f2k1", "my key leaked"],
        },
        engine="embeddings",
        cache_dir=cache,
    )
    assert engine.match("show me the usage of proj_zz9xq").name == "show_usage"
    assert engine.match("rotate the token of ORD_AB12CD please").name == "rotate_key"


def test_nlu_model_without_the_embeddings_engine_is_refused():
    assert NluConfig(engine="embeddings", model="models/mine").model == "models/mine"
    with pytest.raises(ValidationError, match="set nlu.engine: embeddings"):
        NluConfig(engine="builtin", model="models/mine")


def test_unknown_engine_is_a_value_error():
    with pytest.raises(ValueError, match="builtin, embeddings"):
        build_intent_engine(SUPPORT, engine="llm")


def test_validate_of_an_embeddings_project_loads_no_model_runtime(tmp_path: Path):
    # `chatgw validate` compiles; it never builds an engine, so it must not pay for one.
    config = write_shop(tmp_path, {"chatgw.yaml": SHOP_CONFIG + "nlu: {engine: embeddings}\n", "actions/hours.yaml": HOURS})
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from chatgw.cli import _register, app\n"
        "_register()\n"
        f"result = CliRunner().invoke(app, ['validate', '-c', {str(config)!r}])\n"
        "heavy = ('onnxruntime', 'tokenizers', 'sklearn', 'scipy')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(result.exit_code, ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[-2] == "0 "


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("usage for (proj_8f2k1)?", "usage"),
        ("Usage for proj_8f2k1 , please !", "Usage"),
        ("show the usage for proj_8f2k1 and proj_ab12c", "show the usage"),
        ("¿usage for «PROJ_8F2K1»?", "usage"),
        ("switch proj_8f2k1 to enterprise", "switch to enterprise"),
    ],
)
def test_the_encoder_reads_no_id_phrase_politeness_or_stray_punctuation(text: str, read: str):
    # a dangling "for" or a lone "!" outweighed the one word that says what a short request is
    assert _sentence(text) == read
