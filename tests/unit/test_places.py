"""Meeting places: the data loader, the spaCy place finder and the look-up the action uses."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from valkommen.core.place_lookup import (
    BAD_LOCATION,
    DISTRICT,
    NAMED,
    NEARBY,
    NEAREST,
    OUTSIDE,
    PAGE,
    POSTCODE_OUTSIDE,
    POSTCODE_UNKNOWN,
    district_buttons,
    render,
    resolve,
)
from valkommen.core.places import PlacesDataError, load_directory
from valkommen.nlu.place_finder import build_place_nlp, find_places

ROOT = Path(__file__).resolve().parents[2]

#: "I live in {}" as people write it, per language.
LIVE_IN = {
    "sv": "Jag bor på {}",
    "en": "I live in {}",
    "ar": "أسكن في {}",
    "fa": "من در {} زندگی می‌کنم",
    "so": "Waxaan ku noolahay {}",
    "ti": "ኣብ {} እየ ዝነብር",
    "uk": "Я живу в {}",
    "bs": "Živim u {}",
}
SCRIPT = {"ar": "arabic", "fa": "arabic", "ti": "ethiopic", "uk": "cyrillic"}
SERVED = {"norrby": "norrby", "sjobo": "sjobo", "hassleholmen": "hassleholmen", "hulta": "hulta"}


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture(scope="module")
def nlp(directory):
    return build_place_nlp(directory)


def entities(nlp, text):
    return [{"entity": f.label, "value": f.value} for f in find_places(nlp, text)]


def test_project_data_has_the_four_verified_meeting_places_without_addresses(directory):
    assert {p.id: p.name for p in directory.places} == {
        "hassleholmen": "Hässlehuset",
        "norrby": "Norrbyhuset",
        "sjobo": "Mötesplats Sjöbo",
        "hulta": "Mötesplats Hulta",
    }
    assert all(p.address is None and p.precision == "approximate" for p in directory.places)


def test_every_district_name_in_every_language_maps_to_the_right_place(directory, nlp):
    checked = 0
    for district in directory.districts:
        expected = directory.for_district(district.id).id
        if district.id in SERVED:
            assert expected == SERVED[district.id]
        for language, template in LIVE_IN.items():
            names = set(district.names.get("latin", ())) | set(district.names.get(SCRIPT.get(language, "latin"), ()))
            for name in names:
                lookup = resolve(directory, {}, entities(nlp, template.format(name)))
                assert lookup.place is not None and lookup.place.id == expected, (language, name)
                checked += 1
    assert checked > 200


@pytest.mark.parametrize(
    "text, district",
    [
        ("på Hässle", "hassleholmen"),
        ("Jag bor i Norrbyn", "norrby"),
        ("Živim u Norrbyju", "norrby"),
        ("живу в Сьобу", "sjobo"),
        ("Я з Хульті", "hulta"),
        ("أسكن بنوربي", "norrby"),
        ("ኣብ ሾቦ።", "sjobo"),
        ("Waxaan ku noolahay Norrby-ga", "norrby"),
        ("NORRBY", "norrby"),
        ("hassleholmen", "hassleholmen"),
        ("من در هسله‌هولمن زندگی می‌کنم", "hassleholmen"),
        ("Мешкаю в Гессльгольмені", "hassleholmen"),
    ],
)
def test_inflected_and_unaccented_names_are_found(nlp, text, district):
    assert {"entity": "district", "value": district} in entities(nlp, text)


def test_words_that_merely_contain_a_name_are_not_places(nlp):
    assert entities(nlp, "vårdcentrum och sjukhus") == []
    assert entities(nlp, "Ring 114 14 eller 113 13") == []


def test_the_coordinates_of_each_place_map_to_it(directory):
    for place in directory.places:
        lookup = resolve(directory, {"location": {"lat": place.lat + 0.001, "lon": place.lon - 0.001}}, [])
        assert (lookup.outcome, lookup.place.id) == (NEAREST, place.id)


def test_a_location_next_to_hassleholmen_gets_hasslehuset(directory, catalogue):
    lookup = resolve(directory, {"location": {"lat": 57.7362, "lon": 12.9791}}, [])
    reply = render(catalogue, directory, "en", lookup)
    assert lookup.place.name == "Hässlehuset"
    assert reply.text.startswith("The nearest meeting place is Hässlehuset")
    assert reply.venue["precision"] == "approximate" and reply.venue["address"] is None


def test_a_location_outside_boras_gets_the_city_contact(directory, catalogue):
    lookup = resolve(directory, {"location": {"lat": 57.7089, "lon": 11.9746}}, [])  # Gothenburg
    reply = render(catalogue, directory, "so", lookup)
    assert lookup.outcome == OUTSIDE and reply.venue is None
    assert "033-35 70 00" in reply.text and reply.text == catalogue.interface("place_outside", "so")


@pytest.mark.parametrize(
    "location",
    [
        {"lat": math.nan, "lon": 12.9},
        {"lat": "north", "lon": 12.9},
        {"lat": 200, "lon": 12.9},
        {"lat": 57.7},
        "57.7,12.9",
        [57.7, 12.9],
        None,
        {"lat": True, "lon": 12.9},
        {"lat": 57.7, "lon": math.inf},
    ],
)
def test_malformed_locations_get_a_clear_answer_and_the_location_request(directory, catalogue, location):
    lookup = resolve(directory, {"location": location}, [])
    reply = render(catalogue, directory, "ar", lookup)
    assert lookup.outcome == BAD_LOCATION
    assert reply.text == catalogue.interface("place_bad_location", "ar") and reply.ask_location


def test_a_district_without_its_own_meeting_place_gets_the_nearest(directory, nlp, catalogue):
    lookup = resolve(directory, {}, entities(nlp, "I live in Viskafors"))
    reply = render(catalogue, directory, "en", lookup)
    assert lookup.outcome == NEARBY and lookup.place.id == directory.for_district("viskafors").id
    assert reply.text.startswith("The nearest meeting place I know of from Viskafors is ")
    assert "no meeting place" not in reply.text


def test_a_named_meeting_place_and_the_widget_page_are_answered(directory, nlp):
    assert resolve(directory, {}, entities(nlp, "Vad finns på Norrbyhuset?")).outcome == NAMED
    page = resolve(directory, {"meeting_place": "hulta"}, [])
    assert (page.outcome, page.place.id) == (PAGE, "hulta")
    named_beats_page = resolve(directory, {"meeting_place": "hulta"}, entities(nlp, "jag bor på Sjöbo"))
    assert (named_beats_page.outcome, named_beats_page.place.id) == (DISTRICT, "sjobo")


def test_postcodes_the_data_does_not_map_are_said_so(directory, nlp, catalogue):
    in_boras = resolve(directory, {}, entities(nlp, "postnummer 504 30"))
    outside = resolve(directory, {}, entities(nlp, "411 05 Göteborg"))
    assert (in_boras.outcome, outside.outcome) == (POSTCODE_UNKNOWN, POSTCODE_OUTSIDE)
    assert "504 30" in render(catalogue, directory, "sv", in_boras).text
    # Never "not a postcode in Borås": the service towns' postcodes are not known.
    unknown = render(catalogue, directory, "sv", outside)
    assert "känner inte igen postnumret 411 05" in unknown.text and "inte ett postnummer" not in unknown.text
    assert unknown.ask_location


def test_answers_name_the_place_in_the_users_script(directory, nlp, catalogue):
    lookup = resolve(directory, {}, entities(nlp, "أسكن في نوربي"))
    reply = render(catalogue, directory, "ar", lookup)
    assert "Norrbyhuset" in reply.text and "نوربي" in reply.text
    assert all(line for line in reply.text.split("\n")), "no blank lines: the REST channel would split there"


def test_district_buttons_cover_every_district(directory):
    buttons = district_buttons(directory, "uk")
    assert len(buttons) == len(directory.districts)
    assert {"title": "Норрбю", "payload": '/meeting_place{"district":"norrby"}'} in buttons


def _geojson(features):
    return {"type": "FeatureCollection", "features": features}


def _feature(pid, name, lat, lon, **props):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": pid, "name": name, **props},
    }


def test_a_geojson_export_of_other_places_changes_the_answers(tmp_path, nlp, catalogue):
    path = tmp_path / "places.geojson"
    path.write_text(
        json.dumps(
            _geojson(
                [
                    _feature("viskafors", "Viskaforshuset", 57.6335, 12.8335, serves=["viskafors"], offers=["library"]),
                    _feature("fristad", "Fristadhuset", 57.8155, 12.9885, serves=["fristad", "norrby"], offers=["Läxhjälp"]),
                ]
            )
        ),
        encoding="utf-8",
    )
    other = load_directory(path)
    near_viskafors = resolve(other, {"location": {"lat": 57.64, "lon": 12.84}}, [])
    norrby = resolve(other, {}, entities(nlp, "I live in Norrby"))
    assert near_viskafors.place.name == "Viskaforshuset"
    assert (norrby.outcome, norrby.place.name) == (DISTRICT, "Fristadhuset")
    assert "Läxhjälp" in render(catalogue, other, "sv", norrby).text


@pytest.mark.parametrize(
    "broken, problem",
    [
        ([_feature("a", "", 57.72, 12.94)], "missing name"),
        ([_feature("a", "A", 59.33, 18.06)], "outside Borås"),
        ([_feature("a", "A", 57.72, 12.94), _feature("a", "B", 57.73, 12.95)], "duplicate ids"),
        (
            [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": ["x", 57.7]},
                    "properties": {"id": "a", "name": "A"},
                }
            ],
            "bad coordinates",
        ),
    ],
)
def test_broken_geojson_is_refused_with_a_clear_error(tmp_path, broken, problem):
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps(_geojson(broken)), encoding="utf-8")
    with pytest.raises(PlacesDataError, match=problem):
        load_directory(path)


def test_broken_yaml_is_refused_with_a_clear_error(tmp_path):
    data = yaml.safe_load((ROOT / "data" / "meeting_places.yml").read_text(encoding="utf-8"))
    data["meeting_places"][1]["id"] = data["meeting_places"][0]["id"]
    path = tmp_path / "places.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlacesDataError, match=r"places.yml: places: duplicate ids \['hassleholmen'\]"):
        load_directory(path)
