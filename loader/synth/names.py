"""Accounts and display names: mostly ASCII, some Unicode, a few that are awkward for a database."""

from __future__ import annotations

import random
from dataclasses import dataclass

_SYLLABLES = ["ka", "ro", "zen", "mi", "lo", "xx", "tak", "vi", "nor", "sha", "dow", "ki", "ra", "bo", "jin", "te", "qu",
              "ar", "ex", "ul", "on", "dra", "gon", "fox", "wolf", "pew", "snip", "er", "bot", "ace", "neo", "max", "zed",
              "lux"]  # fmt: skip
_WORDS = ["Sniper", "Ghost", "Panda", "Chicken", "Dinner", "Pan", "Rush", "Camper", "Medic", "Viper", "Storm", "Blaze",
          "Frag", "Loot", "Zone", "Hunter", "Raven", "Tiger", "Falcon", "Shadow", "Nomad", "Ninja", "Bandit", "Pixel"]  # fmt: skip
_UNICODE_NAMES = ["Renée_fps", "Ölçü", "玩家小明", "プレイヤー", "🐔Dinner", "Ñandú", "Łukasz_PL", "игрок", "😀smile",
                  "Müller", "피카츄", "Zoë★", "Çağrı", "冠军", "🔥Blaze🔥", "Ångström", "ŠKODA_fan", "Δelta"]  # fmt: skip
_AWKWARD_NAMES = ["O'Brien", 'say"hi"', "back\\slash", "tab\tname", "it's_me", 'q"uote', "C:\\pubg"]
RENAME_SHARE = 0.03


@dataclass(frozen=True)
class SynthPlayer:
    """An account of the season's player pool; it may rename itself from a match index on."""

    account_id: str  # "account.<32 hex>"
    name: str  # display name
    new_name: str | None = None  # the account renames itself ...
    rename_at: int | None = None  # ... from this season match index on

    def name_at(self, index: int) -> str:
        """The name the account plays match ``index`` of the season under."""
        if self.new_name is not None and self.rename_at is not None and index >= self.rename_at:
            return self.new_name
        return self.name


def ascii_name(rng: random.Random) -> str:
    """A gamer tag of at most 24 ASCII characters."""
    k = rng.random()
    if k < 0.35:
        s = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() + str(rng.randint(1, 999))
    elif k < 0.6:
        s = rng.choice(_WORDS) + rng.choice(["_", "-", "", "x"]) + rng.choice(_WORDS)
    elif k < 0.8:
        prefix = rng.choice(["xX", "TTV_", "iM", "Mr", "The", ""])
        s = prefix + rng.choice(_WORDS) + rng.choice(["Xx", "_YT", "99", "-", "fps"])
    else:
        s = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 5)))
    return s[:24]


def _distinct_names(rng: random.Random, n: int, seen: dict[str, None]) -> list[str]:
    names: list[str] = []
    awkward = list(_AWKWARD_NAMES)
    unicode_names = list(_UNICODE_NAMES)
    while len(names) < n:
        k = rng.random()
        if awkward and k < 0.02:
            s = awkward.pop(0)
        elif unicode_names and k < 0.08:
            s = unicode_names.pop(rng.randrange(len(unicode_names)))
        else:
            s = ascii_name(rng)
        while s in seen:
            s = s[:20] + str(rng.randint(0, 99))
        seen[s] = None
        names.append(s)
    return names


def make_player_pool(rng: random.Random, n: int = 360, *, renames: bool = True) -> list[SynthPlayer]:
    """``n`` accounts with distinct names: mostly ASCII, some Unicode, a few database-awkward
    (quote, double quote, backslash, tab). About 3 % rename themselves during the season."""
    seen: dict[str, None] = {}
    pool = []
    for name in _distinct_names(rng, n, seen):
        account_id = "account." + "%032x" % rng.getrandbits(128)
        new_name = rename_at = None
        if renames and rng.random() < RENAME_SHARE:
            new_name = name + "_" + rng.choice(["TTV", "YT", "2", "new", "x"])
            while new_name in seen:
                new_name += str(rng.randint(0, 9))
            seen[new_name] = None
            rename_at = rng.randint(1, 40)
        pool.append(SynthPlayer(account_id, name, new_name, rename_at))
    return pool
