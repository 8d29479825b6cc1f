"""Trained NLU parts are stored as data: loading never unpickles, and refuses anything else.

A pickled model file runs code when loaded (whoever can place a model file, or call Rasa's
PUT /model, would run code in the server). Each crafted file below would create a marker file
if it were unpickled; loading must fail with ``ModelFileError`` and leave no marker.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Callable, Dict, Tuple

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from tests.unit.test_topic_model import EXAMPLES
from valkommen.nlu import topic_model
from valkommen.nlu.detection import NgramClassifier
from valkommen.nlu.language_detector import LanguageDetector, load_ngram_classifier, save_ngram_classifier
from valkommen.nlu.model_files import ModelFileError
from valkommen.nlu.topic_classifier import TopicClassifier
from valkommen.nlu.topic_model import TopicModel

LANGUAGE_EXAMPLES = [
    ("hur söker jag förskola", "sv"),
    ("jag vill läsa svenska", "sv"),
    ("tack så mycket för hjälpen", "sv"),
    ("how do I apply for preschool", "en"),
    ("I want to learn Swedish", "en"),
    ("thank you for the help", "en"),
    ("sidee loo codsadaa dugsiga", "so"),
    ("waxaan rabaa inaan barto", "so"),
    ("mahadsanid caawimaada", "so"),
]
PROBES = [
    "min son behöver en plats på förskolan",
    "kurs i svenska, sfi",
    "FÖRSKOLA",
    "doctor",
    "xyz 123",
    "",
    "vårdcentral " * 300,
]


class Marker:
    """Unpickling this object opens (creates) ``path``: proof that code ran."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> Tuple[Callable, Tuple[str, str]]:
        return open, (self.path, "w")


@pytest.fixture(scope="module")
def topic() -> TopicModel:
    texts = [t for ts in EXAMPLES.values() for t in ts]
    intents = [i for i, ts in EXAMPLES.items() for _ in ts]
    return TopicModel().fit(texts, intents)


@pytest.fixture(scope="module")
def ngrams() -> NgramClassifier:
    return NgramClassifier().fit([t for t, _ in LANGUAGE_EXAMPLES], [lang for _, lang in LANGUAGE_EXAMPLES])


# --- round trips -----------------------------------------------------------------------------


def test_the_topic_model_is_stored_as_json_and_npz_only(topic, tmp_path):
    topic.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topic_model.json", "topic_model.npz"]
    json.loads((tmp_path / "topic_model.json").read_text(encoding="utf-8"))
    with np.load(tmp_path / "topic_model.npz", allow_pickle=False) as archive:
        assert all(archive[key].dtype.kind == "f" for key in archive.files)


def test_a_loaded_topic_model_gives_the_same_features_and_rankings(topic, tmp_path):
    topic.save(tmp_path)
    loaded = TopicModel.load(tmp_path)
    before, after = topic.features.transform(PROBES), loaded.features.transform(PROBES)
    assert before.dtype == after.dtype == np.float32
    assert before.shape == after.shape and (before != after).nnz == 0
    assert loaded.scale == topic.scale and loaded.c == topic.c
    assert list(loaded.classifier.classes_) == list(topic.classifier.classes_)
    for text in PROBES:
        assert loaded.rank(text) == topic.rank(text)


def test_a_loaded_topic_model_keeps_the_fast_coefficient_layout(topic, tmp_path):
    topic.save(tmp_path)
    coef = TopicModel.load(tmp_path).classifier.coef_
    assert coef.dtype == np.float32 and coef.T.flags["C_CONTIGUOUS"]


def test_a_loaded_language_classifier_gives_the_same_probabilities(ngrams, tmp_path):
    save_ngram_classifier(ngrams, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ngram_language_classifier.json", "ngram_language_classifier.npz"]
    loaded = load_ngram_classifier(tmp_path)
    assert loaded.classes == ngrams.classes == ["en", "so", "sv"]
    for text in PROBES + [t for t, _ in LANGUAGE_EXAMPLES]:
        assert loaded.probabilities(text) == ngrams.probabilities(text)


# --- the Rasa components ---------------------------------------------------------------------


def _storage(tmp_path: Path) -> LocalModelStorage:
    (tmp_path / "model").mkdir()
    return LocalModelStorage(tmp_path / "model")


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), model_id="test")


def _load_topic(storage: LocalModelStorage, resource: Resource) -> TopicClassifier:
    return TopicClassifier.load(TopicClassifier.get_default_config(), storage, resource, _context())


def _load_language(storage: LocalModelStorage, resource: Resource) -> LanguageDetector:
    config = {**LanguageDetector.get_default_config(), "use_lingua": False}
    return LanguageDetector.load(config, storage, resource, _context())


COMPONENTS: Dict[str, Tuple[str, Callable]] = {
    "topic": ("topic_model", _load_topic),
    "language": ("ngram_language_classifier", _load_language),
}


def _trained(kind: str, topic: TopicModel, ngrams: NgramClassifier, storage: LocalModelStorage, resource: Resource) -> Path:
    with storage.write_to(resource) as directory:
        if kind == "topic":
            topic.save(directory)
        else:
            save_ngram_classifier(ngrams, directory)
    return storage._directory_for_resource(resource)  # noqa: SLF001 - to tamper with it


@pytest.mark.parametrize("kind", COMPONENTS)
def test_the_components_load_their_trained_parts(kind, topic, ngrams, tmp_path):
    storage, resource = _storage(tmp_path), Resource(kind)
    _trained(kind, topic, ngrams, storage, resource)
    component = COMPONENTS[kind][1](storage, resource)
    if kind == "topic":
        assert component.model.rank("förskola") == topic.rank("förskola")
    else:
        assert component.identifier.ngrams.probabilities("hej") == ngrams.probabilities("hej")


@pytest.mark.parametrize("kind", COMPONENTS)
def test_a_component_without_stored_parts_still_loads(kind, tmp_path):
    storage = _storage(tmp_path)
    component = COMPONENTS[kind][1](storage, Resource(kind))
    assert (component.model if kind == "topic" else component.identifier.ngrams) is None


def test_the_crafted_pickle_runs_code_when_unpickled(tmp_path):
    """The control: without the loader's refusal, the payload below would create its marker."""
    marker = tmp_path / "control"
    pickle.loads(pickle.dumps(Marker(marker))).close()
    assert marker.exists()


def _pickle_as(suffix: str) -> Callable[[Path, Path, str], None]:
    def write(directory: Path, marker: Path, name: str) -> None:
        (directory / f"{name}{suffix}").write_bytes(pickle.dumps(Marker(marker)))

    return write


def _object_array_in_npz(directory: Path, marker: Path, name: str) -> None:
    """The real archive with its expected arrays, one of them replaced by a pickled object array."""
    path = directory / f"{name}.npz"
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    payload = np.empty(1, dtype=object)
    payload[0] = Marker(marker)
    with path.open("wb") as file:
        np.savez(file, **{**arrays, "coef_t": payload})


def _bare_npy_pickle(directory: Path, marker: Path, name: str) -> None:
    payload = np.empty(1, dtype=object)
    payload[0] = Marker(marker)
    with (directory / f"{name}.npz").open("wb") as file:
        np.save(file, payload, allow_pickle=True)


def _only_legacy_joblib(directory: Path, marker: Path, name: str) -> None:
    for path in directory.iterdir():
        path.unlink()
    (directory / f"{name}.joblib").write_bytes(pickle.dumps(Marker(marker)))


TAMPERING = {
    "pickle named .npz": _pickle_as(".npz"),
    "pickle named .json": _pickle_as(".json"),
    "object array in the .npz": _object_array_in_npz,
    "pickled .npy named .npz": _bare_npy_pickle,
    "old pickled .joblib only": _only_legacy_joblib,
}


@pytest.mark.parametrize("tampering", TAMPERING)
@pytest.mark.parametrize("kind", COMPONENTS)
def test_a_component_refuses_pickled_parts_without_running_them(kind, tampering, topic, ngrams, tmp_path):
    storage, resource = _storage(tmp_path), Resource(kind)
    directory = _trained(kind, topic, ngrams, storage, resource)
    marker = tmp_path / "marker"
    name, load = COMPONENTS[kind]
    TAMPERING[tampering](directory, marker, name)
    with pytest.raises(ModelFileError, match=name):
        load(storage, resource)
    assert not marker.exists()


def _edit_json(directory: Path, name: str, edit: Callable[[dict], None]) -> None:
    path = directory / f"{name}.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    edit(meta)
    path.write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda meta: meta.update(format="something else"),
        lambda meta: meta.update(extra=1),
        lambda meta: meta["features"]["chars"]["params"].update(analyzer="callable"),
        lambda meta: meta["features"]["chars"]["params"].update(tokenizer="os.system"),
        lambda meta: meta["features"]["words"]["vocabulary"].pop(),
        lambda meta: meta.update(classes=meta["classes"][::-1]),
        lambda meta: meta.update(scale="1.0"),
    ],
    ids=["format", "extra key", "analyzer", "extra param", "vocabulary size", "class order", "scale type"],
)
def test_the_topic_model_refuses_json_that_is_not_what_it_wrote(edit, topic, tmp_path):
    topic.save(tmp_path)
    _edit_json(tmp_path, "topic_model", edit)
    with pytest.raises(ModelFileError):
        TopicModel.load(tmp_path)


def test_the_topic_model_refuses_arrays_of_the_wrong_shape_or_kind(topic, tmp_path):
    topic.save(tmp_path)
    with np.load(tmp_path / "topic_model.npz", allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for key, broken in (
        ("coef_t", arrays["coef_t"][:-1]),
        ("intercept", arrays["intercept"].astype(np.int64)),
        ("chars_idf", np.full_like(arrays["chars_idf"], np.nan)),
    ):
        with (tmp_path / "topic_model.npz").open("wb") as file:
            np.savez(file, **{**arrays, key: broken})
        with pytest.raises(ModelFileError):
            TopicModel.load(tmp_path)


def test_a_half_stored_model_is_an_error_not_a_missing_model(topic, tmp_path):
    topic.save(tmp_path)
    (tmp_path / "topic_model.npz").unlink()
    with pytest.raises(ModelFileError, match="incomplete"):
        TopicModel.load(tmp_path)


def test_no_nlu_module_imports_joblib_or_pickle():
    source = Path(topic_model.__file__).parent
    for path in source.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import joblib" not in text and "import pickle" not in text, path
        assert "allow_pickle=True" not in text, path
