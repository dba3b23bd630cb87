"""The seeds against PUBG's own data, without a database.

- seeds/weapons.csv names every key of api-assets' damageCauserName dictionary with the
  dictionary's display name, and every category is one the project allows;
- seeds/match_type_buckets.csv resolves the (matchType, gameMode) of every real match
  object to the contract's bucket, by the lookup rule int_matches uses: the exact
  (match_type, game_mode) row first, then the (match_type, '*') row, else `other`.

The real files come from $PEWSTATS_SHARED_DATA (the shared PUBG data folder); the tests
that need them are skipped when it is unset or missing.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WEAPONS_CSV = ROOT / "seeds" / "weapons.csv"
BUCKETS_CSV = ROOT / "seeds" / "match_type_buckets.csv"

ALLOWED_CATEGORIES = {
    "assault_rifle",
    "dmr",
    "sniper_rifle",
    "smg",
    "shotgun",
    "lmg",
    "pistol",
    "melee",
    "throwable",
    "vehicle",
    "environment",
    "other",
}
ALLOWED_BUCKETS = {"ranked", "normal", "custom", "other"}

# Ids real telemetry uses that the dictionary lacks.
EXTRA_WEAPON_IDS = {"TslGameMode_LandmarkBP_C": "environment", "Unknown": "other"}

# Bucket expected for each matchType of the real match objects (None: no matchType key).
EXPECTED_BUCKET_BY_MATCH_TYPE = {
    "competitive": "ranked",
    "official": "normal",
    "training": "other",
    "arcade": "normal",
    "custom": "custom",
    None: "other",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def shared_dir() -> Path:
    value = os.environ.get("PEWSTATS_SHARED_DATA")
    if not value:
        pytest.skip("PEWSTATS_SHARED_DATA is not set: the shared PUBG data folder is unavailable")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"PEWSTATS_SHARED_DATA={value} is not a directory")
    return path


@pytest.fixture(scope="module")
def weapons() -> list[dict[str, str]]:
    return read_csv(WEAPONS_CSV)


@pytest.fixture(scope="module")
def buckets() -> list[dict[str, str]]:
    return read_csv(BUCKETS_CSV)


@pytest.fixture(scope="module")
def damage_causer_dictionary() -> dict[str, str]:
    path = shared_dir() / "api-assets" / "dictionaries" / "telemetry" / "damageCauserName.json"
    if not path.is_file():
        pytest.skip(f"{path} is missing: cannot check weapon coverage")
    return json.loads(path.read_text(encoding="utf-8"))


def resolve_bucket(rows: list[dict[str, str]], match_type: str | None, game_mode: str | None) -> str:
    """int_matches' rule: exact (match_type, game_mode) row, then (match_type, '*'), else other."""
    for row in rows:
        if row["match_type"] == match_type and row["game_mode"] == game_mode:
            return row["bucket"]
    for row in rows:
        if row["match_type"] == match_type and row["game_mode"] == "*":
            return row["bucket"]
    return "other"


def match_object_files(root: Path) -> list[Path]:
    files = set(root.rglob("match_*.json")) | set(root.rglob("*_response.json"))
    return sorted(files)


# --- weapons ---------------------------------------------------------------------------


def test_weapons_header_and_unique_ids(weapons: list[dict[str, str]]) -> None:
    with WEAPONS_CSV.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["weapon_id", "weapon_name", "weapon_category", "radar_category"]
    ids = [row["weapon_id"] for row in weapons]
    assert all(ids), "empty weapon_id"
    assert len(ids) == len(set(ids)), "duplicate weapon_id"
    assert ids == sorted(ids), "rows are not sorted by weapon_id"


def test_weapon_categories_allowed(weapons: list[dict[str, str]]) -> None:
    bad = {row["weapon_id"]: row["weapon_category"] for row in weapons if row["weapon_category"] not in ALLOWED_CATEGORIES}
    assert not bad, f"categories outside the allowed list: {bad}"


def test_weapons_extra_rows(weapons: list[dict[str, str]]) -> None:
    by_id = {row["weapon_id"]: row for row in weapons}
    for weapon_id, category in EXTRA_WEAPON_IDS.items():
        assert weapon_id in by_id, f"{weapon_id} missing"
        assert by_id[weapon_id]["weapon_category"] == category
    assert by_id["None"]["weapon_category"] == "other"


def test_every_dictionary_key_is_a_weapon(weapons: list[dict[str, str]], damage_causer_dictionary: dict[str, str]) -> None:
    names = {row["weapon_id"]: row["weapon_name"] for row in weapons}
    missing = sorted(set(damage_causer_dictionary) - set(names))
    assert not missing, f"dictionary keys missing from seeds/weapons.csv: {missing}"
    wrong = {
        key: (names[key], display)
        for key, display in damage_causer_dictionary.items()
        if names[key] != display
    }
    assert not wrong, f"display names differ from the dictionary (seed, dictionary): {wrong}"
    extra = set(names) - set(damage_causer_dictionary) - set(EXTRA_WEAPON_IDS)
    assert not extra, f"rows neither in the dictionary nor in the documented extras: {sorted(extra)}"


@pytest.mark.parametrize(
    ("weapon_id", "category"),
    [
        ("WeapHK416_C", "assault_rifle"),
        ("WeapMini14_C", "dmr"),
        ("WeapKar98k_C", "sniper_rifle"),
        ("WeapUMP_C", "smg"),
        ("WeapBerreta686_C", "shotgun"),
        ("WeapM249_C", "lmg"),
        ("WeapM1911_C", "pistol"),
        ("WeapPan_C", "melee"),
        ("PlayerMale_A_C", "melee"),
        ("PlayerFemale_A_C", "melee"),
        ("ProjGrenade_C", "throwable"),
        ("BP_MolotovFireDebuff_C", "throwable"),
        ("Buggy_A_01_C", "vehicle"),
        ("Dacia_A_01_v2_C", "vehicle"),
        ("Uaz_A_01_C", "vehicle"),
        ("BattleRoyaleModeController_Def_C", "environment"),
        ("RedZoneBomb_C", "environment"),
        ("Buff_DecreaseBreathInApnea_C", "environment"),
    ],
)
def test_known_weapon_categories(weapons: list[dict[str, str]], weapon_id: str, category: str) -> None:
    by_id = {row["weapon_id"]: row["weapon_category"] for row in weapons}
    assert by_id[weapon_id] == category


# --- match type buckets ----------------------------------------------------------------


def test_buckets_shape(buckets: list[dict[str, str]]) -> None:
    with BUCKETS_CSV.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["match_type", "game_mode", "bucket", "description"]
    keys = [(row["match_type"], row["game_mode"]) for row in buckets]
    assert len(keys) == len(set(keys)), "duplicate (match_type, game_mode)"
    assert all(row["match_type"] and row["game_mode"] and row["description"] for row in buckets)
    assert {row["bucket"] for row in buckets} <= ALLOWED_BUCKETS


@pytest.mark.parametrize(
    ("match_type", "game_mode", "bucket"),
    [
        ("competitive", "squad-fpp", "ranked"),
        ("ranked", "squad-fpp", "ranked"),
        ("official", "squad-fpp", "normal"),
        ("official", "esports-squad-fpp", "ranked"),
        ("normal", "squad", "normal"),
        ("arcade", "tdm", "normal"),
        ("event", "zombie-squad", "normal"),
        ("custom", "normal-squad-fpp", "custom"),
        ("custom", "esports-squad-fpp", "custom"),
        # no match object: int_matches takes the type from the telemetry MatchId, no game mode
        ("custom", None, "custom"),
        ("training", "solo", "other"),
        ("airoyale", "squad", "other"),
        ("seasonal", "squad", "other"),
        ("never-seen", "squad", "other"),
        (None, "squad-fpp", "other"),
    ],
)
def test_lookup_rule(buckets: list[dict[str, str]], match_type: str | None, game_mode: str | None, bucket: str) -> None:
    assert resolve_bucket(buckets, match_type, game_mode) == bucket


def test_every_documented_match_type_has_a_row(buckets: list[dict[str, str]]) -> None:
    path = shared_dir() / "api-docs" / "match.yml"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    text = path.read_text(encoding="utf-8")
    documented: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            match_type = node.get("matchType")
            if isinstance(match_type, dict) and isinstance(match_type.get("enum"), list):
                documented.update(str(value) for value in match_type["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(text))
    assert documented, "no matchType enum found in match.yml"
    known = {row["match_type"] for row in buckets if row["game_mode"] == "*"}
    assert documented <= known, f"matchTypes without a '*' row: {sorted(documented - known)}"


def test_real_match_objects_resolve(buckets: list[dict[str, str]]) -> None:
    files = match_object_files(shared_dir())
    if not files:
        pytest.skip("no match objects (match_*.json, *_response.json) under PEWSTATS_SHARED_DATA")
    seen = []
    for path in files:
        attributes = json.loads(path.read_text(encoding="utf-8"))["data"]["attributes"]
        match_type = attributes.get("matchType")
        game_mode = attributes.get("gameMode")
        assert match_type in EXPECTED_BUCKET_BY_MATCH_TYPE, f"{path}: matchType {match_type!r} has no expectation"
        expected = EXPECTED_BUCKET_BY_MATCH_TYPE[match_type]
        if match_type == "official" and str(game_mode).startswith("esports-"):
            expected = "ranked"
        got = resolve_bucket(buckets, match_type, game_mode)
        assert got == expected, f"{path.name}: ({match_type}, {game_mode}) -> {got}, expected {expected}"
        seen.append(match_type)
    # the folder's objects cover official, competitive, training, arcade and the typeless 2018 one
    assert {"official", "competitive", "training", "arcade", None} <= set(seen)
