"""Trained NLU parts stored as data only: a JSON file and a NumPy ``.npz`` archive, no pickle.

A pickled file (joblib) runs code when it is loaded, so whoever can place a model file, or call
Rasa's ``PUT /model``, could run code in the server. The project's components therefore store:

* ``<name>.json``: format name and version, parameters, label names and vocabularies;
* ``<name>.npz``: the numeric arrays, written by ``np.savez`` and read with
  ``np.load(..., allow_pickle=False)``; object arrays and pickled files are refused.

Loading checks every key, type, dtype and shape against what the model needs and raises
``ModelFileError`` (never a ``ValueError``: components treat that as "no model") on anything
else. The scikit-learn objects are rebuilt from these values, nothing is unpickled.
Plain helpers (no Rasa): the components and ``TopicModel`` use them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

JSON_SUFFIX = ".json"
ARRAYS_SUFFIX = ".npz"
#: File suffixes earlier versions wrote with pickle; never read, only recognised to explain.
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")

#: Vectoriser settings that are stored and may be set when loading (everything else stays at its default).
VECTORIZER_PARAMS = {
    "analyzer": (str,),
    "ngram_range": (list,),
    "lowercase": (bool,),
    "strip_accents": (str, type(None)),
    "token_pattern": (str, type(None)),
    "binary": (bool,),
    "norm": (str, type(None)),
    "use_idf": (bool,),
    "smooth_idf": (bool,),
    "sublinear_tf": (bool,),
    "dtype": (str,),
}
_ANALYZERS = ("word", "char", "char_wb")
_NORMS = ("l1", "l2", None)
_FLOAT_DTYPES = ("float32", "float64")
#: Parameters whose non-default values would be code or would not survive as data.
_MUST_BE_DEFAULT = {
    "input": "content",
    "preprocessor": None,
    "tokenizer": None,
    "stop_words": None,
    "vocabulary": None,
    "encoding": "utf-8",
    "decode_error": "strict",
}


class ModelFileError(Exception):
    """A model file is not the data this version expects (tampered, pickled, or from an old version)."""


def model_paths(directory: Path, name: str) -> Tuple[Path, Path]:
    """The JSON and ``.npz`` files of the model ``name`` in ``directory``."""
    return Path(directory) / f"{name}{JSON_SUFFIX}", Path(directory) / f"{name}{ARRAYS_SUFFIX}"


def save(directory: Path, name: str, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """Writes ``meta`` as JSON and ``arrays`` (numbers only) as an uncompressed ``.npz``."""
    for key, array in arrays.items():
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
            raise TypeError(
                f"{name}: array {key!r} must be a numeric NumPy array, got {type(array).__name__}"
                f"{'' if not isinstance(array, np.ndarray) else ' of ' + str(array.dtype)}"
            )
    json_path, arrays_path = model_paths(directory, name)
    json_path.write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    with arrays_path.open("wb") as file:  # a file object: np.savez appends nothing to the name
        np.savez(file, **arrays)


def load(
    directory: Path, name: str, format_name: str, version: int, arrays: Mapping[str, Tuple[str, int]]
) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
    """The JSON object and the arrays of the model ``name``, checked.

    ``arrays`` maps each expected array to its dtype kinds ("f" float, "i" integer...) and number
    of dimensions; the archive must hold exactly these. Raises ``FileNotFoundError`` when neither
    file exists (no model trained) and ``ModelFileError`` on anything that is not the expected data,
    including files an earlier version pickled.
    """
    json_path, arrays_path = model_paths(directory, name)
    if not json_path.exists() and not arrays_path.exists():
        legacy = [Path(directory) / f"{name}{suffix}" for suffix in PICKLE_SUFFIXES]
        found = [path for path in legacy if path.exists()]
        if found:
            raise ModelFileError(
                f"{found[0]}: a pickled model part of an earlier version; pickle is not loaded "
                f"(it could run code). Train the model again with this version."
            )
        raise FileNotFoundError(f"No {json_path.name} / {arrays_path.name} in {directory}")
    meta = _load_json(json_path)
    if meta.get("format") != format_name or meta.get("version") != version:
        raise ModelFileError(
            f"{json_path}: expected format {format_name!r} version {version}, "
            f"found {meta.get('format')!r} version {meta.get('version')!r}"
        )
    return meta, _load_arrays(arrays_path, arrays)


def _load_json(path: Path) -> Dict[str, Any]:
    if not path.is_file():
        raise ModelFileError(f"{path} is missing (its .npz is there): incomplete model")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModelFileError(f"{path}: not a JSON model file ({error})") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{path}: not a JSON object")
    return meta


def _load_arrays(path: Path, expected: Mapping[str, Tuple[str, int]]) -> Dict[str, np.ndarray]:
    if not path.is_file():
        raise ModelFileError(f"{path} is missing (its .json is there): incomplete model")
    if not zipfile.is_zipfile(path):  # checked first: np.load would also accept a bare .npy
        raise ModelFileError(f"{path}: not an .npz archive of arrays (pickled data is never loaded)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if sorted(archive.files) != sorted(expected):
                raise ModelFileError(f"{path}: holds arrays {sorted(archive.files)}, expected {sorted(expected)}")
            arrays = {key: archive[key] for key in archive.files}
    except ModelFileError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        # ValueError: "Object arrays cannot be loaded when allow_pickle=False" and malformed headers.
        raise ModelFileError(f"{path}: not plain numeric arrays ({error})") from None
    for key, (kinds, ndim) in expected.items():
        array = arrays[key]
        if array.dtype.kind not in kinds or array.ndim != ndim:
            raise ModelFileError(
                f"{path}: array {key!r} is {array.dtype} with {array.ndim} dimensions, expected kind {kinds!r} with {ndim}"
            )
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise ModelFileError(f"{path}: array {key!r} holds NaN or infinite values")
    return arrays


def require(condition: bool, where: str, message: str) -> None:
    """Raises ``ModelFileError`` with ``message`` unless ``condition``."""
    if not condition:
        raise ModelFileError(f"{where}: {message}")


def string_list(value: Any, where: str, what: str, unique: bool = True) -> List[str]:
    """``value`` checked to be a list of strings (distinct unless ``unique`` is False)."""
    require(isinstance(value, list) and all(isinstance(item, str) for item in value), where, f"{what} must be a list of strings")
    if unique:
        require(len(set(value)) == len(value), where, f"{what} has duplicates")
    return value


# --- TF-IDF vectorisers --------------------------------------------------------------------


def vectorizer_state(vectorizer: TfidfVectorizer) -> Tuple[Dict[str, Any], np.ndarray]:
    """A fitted ``TfidfVectorizer`` as JSON-ready settings with its vocabulary, and its idf."""
    params = vectorizer.get_params()
    for key, default in _MUST_BE_DEFAULT.items():
        if params.get(key) != default:
            raise ValueError(f"Cannot store a vectoriser with {key}={params.get(key)!r} as data")
    if callable(params["analyzer"]):
        raise ValueError("Cannot store a vectoriser with a callable analyzer as data")
    settings = {key: params[key] for key in VECTORIZER_PARAMS}
    settings["ngram_range"] = list(settings["ngram_range"])
    settings["dtype"] = np.dtype(settings["dtype"]).name
    vocabulary = [""] * len(vectorizer.vocabulary_)
    for term, index in vectorizer.vocabulary_.items():
        vocabulary[index] = term
    idf = np.asarray(vectorizer.idf_)
    return {"params": settings, "vocabulary": vocabulary}, idf


def vectorizer_from_state(state: Any, idf: np.ndarray, where: str) -> TfidfVectorizer:
    """The ``TfidfVectorizer`` that ``vectorizer_state`` described, ready to ``transform``."""
    require(
        isinstance(state, dict) and set(state) == {"params", "vocabulary"},
        where,
        "a vectoriser needs exactly 'params' and 'vocabulary'",
    )
    params = state["params"]
    require(
        isinstance(params, dict) and set(params) == set(VECTORIZER_PARAMS),
        where,
        f"vectoriser params must be exactly {sorted(VECTORIZER_PARAMS)}",
    )
    for key, types in VECTORIZER_PARAMS.items():
        require(type(params[key]) in types, where, f"vectoriser param {key!r} has the wrong type")
    low_high = params["ngram_range"]
    require(
        len(low_high) == 2 and all(type(n) is int for n in low_high) and 1 <= low_high[0] <= low_high[1] <= 10,
        where,
        "ngram_range must be two integers 1 <= low <= high <= 10",
    )
    require(params["analyzer"] in _ANALYZERS, where, f"analyzer must be one of {_ANALYZERS}")
    require(params["norm"] in _NORMS, where, f"norm must be one of {_NORMS}")
    require(params["strip_accents"] in ("ascii", "unicode", None), where, "unknown strip_accents")
    require(params["dtype"] in _FLOAT_DTYPES, where, f"dtype must be one of {_FLOAT_DTYPES}")
    require(params["use_idf"], where, "only idf-weighted vectorisers are stored")
    vocabulary = string_list(state["vocabulary"], where, "vocabulary")
    require(
        len(vocabulary) > 0 and idf.shape == (len(vocabulary),),
        where,
        f"idf has shape {idf.shape}, the vocabulary {len(vocabulary)} terms",
    )
    dtype = np.dtype(params["dtype"])
    require(idf.dtype == dtype, where, f"idf is {idf.dtype}, the vectoriser {dtype}")
    vectorizer = TfidfVectorizer(**{**params, "ngram_range": tuple(low_high), "dtype": dtype.type})
    vectorizer.vocabulary_ = {term: index for index, term in enumerate(vocabulary)}
    vectorizer.fixed_vocabulary_ = False  # learnt by fit, as in the trained object
    vectorizer.idf_ = idf  # the public setter builds the inner TfidfTransformer
    _same_idf_dtype(vectorizer, dtype)
    return vectorizer


def _same_idf_dtype(vectorizer: TfidfVectorizer, dtype: np.dtype) -> None:
    """Keeps the idf weights in the vectoriser's dtype, as ``fit`` does.

    scikit-learn 1.1's ``idf_`` setter stores them as float64 (``fit`` stores the features'
    dtype); float32 features times float64 weights would become float64 features and make the
    classifier convert its float32 coefficient matrix on every message.
    """
    transformer = vectorizer._tfidf  # noqa: SLF001 - created by the public idf_ setter
    diagonal = getattr(transformer, "_idf_diag", None)
    if diagonal is not None and diagonal.dtype != dtype:
        transformer._idf_diag = diagonal.astype(dtype)  # noqa: SLF001
    transformer.n_features_in_ = len(vectorizer.vocabulary_)


# --- linear models -------------------------------------------------------------------------


def linear_arrays(coef: np.ndarray, intercept: Any, prefix: str = "") -> Dict[str, np.ndarray]:
    """The coefficients (stored transposed: features × classes, as the hot path reads them)."""
    return {
        f"{prefix}coef_t": np.ascontiguousarray(np.asarray(coef).T),
        f"{prefix}intercept": np.atleast_1d(np.asarray(intercept)),
    }


def linear_from_arrays(
    arrays: Mapping[str, np.ndarray], n_features: int, n_classes: int, where: str, prefix: str = ""
) -> Tuple[np.ndarray, np.ndarray]:
    """``coef_`` (a transposed view of the stored contiguous matrix) and ``intercept_``, checked."""
    coef_t, intercept = arrays[f"{prefix}coef_t"], arrays[f"{prefix}intercept"]
    rows = 1 if n_classes == 2 else n_classes  # binary linear models keep one row
    require(coef_t.shape == (n_features, rows), where, f"coefficients have shape {coef_t.shape}, expected {(n_features, rows)}")
    require(intercept.shape == (rows,), where, f"intercept has shape {intercept.shape}, expected {(rows,)}")
    return coef_t.T, intercept


def class_names(value: Any, where: str, minimum: int = 2) -> np.ndarray:
    """Label names as the array scikit-learn's ``classes_`` holds (sorted, distinct strings)."""
    names = string_list(value, where, "classes")
    require(len(names) >= minimum and names == sorted(names), where, f"classes must be at least {minimum} sorted names")
    return np.array(names)


def finite_number(value: Any, where: str, what: str, positive: bool = True) -> float:
    """``value`` checked to be a finite (positive) JSON number."""
    require(
        type(value) in (int, float) and np.isfinite(value) and (value > 0 or not positive),
        where,
        f"{what} must be a finite{' positive' if positive else ''} number",
    )
    return float(value)
