"""What the simulation did, per character: the source of PUBG's own numbers in the files it writes
(``victimGameResult.stats.killCount``, the winners' results in ``LogMatchEnd``, the participants'
stats of the match object).

The simulation tells the ledger each act as it makes it (this player knocked that one with this
hit, that one bled out, this one revived a mate); nothing here reads the events back. Like real
PUBG, kills, knocks and damage count against players of other teams, never a team mate or
oneself, and nothing done in the lobby counts. Unlike real PUBG, acts by or against AI bots are
left out of every count (PUBG counts the kills of bots), so that the numbers equal what the
project's marts compute from the telemetry: the tests use them as an independent witness.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loader.synth.roster import Character


@dataclass(slots=True)
class PlayerRecord:
    """PUBG's numbers for one character of ``LogMatchStart``."""

    kills: int = 0
    headshot_kills: int = 0
    knocks: int = 0
    damage_dealt: float = 0.0
    longest_kill_m: float = 0.0
    team_kills: int = 0
    assists: int = 0
    revives: int = 0
    heals: int = 0
    boosts: int = 0
    weapons_acquired: int = 0
    death_type: str = "alive"  # alive, byplayer, byzone, suicide
    rank: int = 0  # the team's placement


@dataclass(slots=True)
class KillRecord:
    """One LogPlayerKillV2 the simulation wrote: when, the event, who died, who was credited."""

    t: int
    event: dict
    victim: Character
    credited_to: Character | None  # the killer, when PUBG counts the kill for them


@dataclass
class MatchLedger:
    records: dict[str, PlayerRecord] = field(default_factory=dict)  # by account id, in LogMatchStart order
    kills: list[KillRecord] = field(default_factory=list)

    @classmethod
    def for_characters(cls, characters: list[Character]) -> MatchLedger:
        return cls({c.account_id: PlayerRecord() for c in characters})

    @staticmethod
    def counts(attacker: Character, victim: Character) -> bool:
        """Whether PUBG's numbers here count an act of ``attacker`` on ``victim`` (see the module docstring)."""
        return attacker.is_account and victim.is_account and attacker.team_id != victim.team_id

    def damage(self, attacker: Character, victim: Character, amount: float) -> None:
        """``attacker`` hurt ``victim`` by ``amount`` during the match."""
        if amount > 0 and self.counts(attacker, victim):
            self.records[attacker.account_id].damage_dealt += amount

    def knock(self, attacker: Character, victim: Character) -> None:
        if self.counts(attacker, victim):
            self.records[attacker.account_id].knocks += 1

    def kill(self, t: int, event: dict, victim: Character, killer: Character | None, *, by_zone: bool = False,
             suicide: bool = False, headshot: bool = False, distance_cm: float = -1,
             assists: list[Character] | None = None) -> None:
        """``victim`` died at ``t``: by the zone, by their own hand, or credited to ``killer``
        (with the credited hit's reason and distance)."""
        credited = None
        victim_record = self.records.get(victim.account_id)
        if victim_record is not None:
            victim_record.death_type = "byzone" if by_zone else ("suicide" if suicide else "byplayer")
        if killer is not None and not suicide and killer.account_id in self.records:
            record = self.records[killer.account_id]
            if self.counts(killer, victim):
                credited = killer
                record.kills += 1
                record.headshot_kills += headshot
                if distance_cm > 0:
                    record.longest_kill_m = max(record.longest_kill_m, distance_cm / 100.0)
            elif killer.team_id == victim.team_id:
                record.team_kills += 1
        for helper in assists or []:
            if helper.account_id in self.records:
                self.records[helper.account_id].assists += 1
        self.kills.append(KillRecord(t, event, victim, credited))

    def revive(self, reviver: Character) -> None:
        if reviver.account_id in self.records:
            self.records[reviver.account_id].revives += 1
