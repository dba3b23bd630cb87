"""Team fights: where the teams stand, who goes down when, knocks, finishes, bleed-outs and revives."""

from __future__ import annotations

import heapq
import math
import random

from loader.synth import calibration
from loader.synth.catalog import ATTACHMENTS
from loader.synth.combat import CombatStep, hit_distance_cm, pick_hit
from loader.synth.roster import Character, Team, by_skill
from loader.synth.state import Engagement
from loader.synth.telemetry_objects import damage_info
from loader.synth.values import float32
from loader.synth.world import distance

# the fight's event heap: (time, sequence number, what, who, intent)
_CASUALTY, _FINISH, _BLEED, _REVIVE = "casualty", "finish", "bleed", "revive"


class Fights(CombatStep):
    """Stages and resolves the engagements of a match."""

    # ----------------------------------------------------------------------------- staging
    def fight(self, t0: int, duration: int, teams: list[Team], eliminated: list[Team], landing: bool, *,
              skirmish: bool = False) -> None:
        """A fight of ``teams`` from ``t0``: the ``eliminated`` teams are wiped out; with ``landing``
        the teams drop onto its place."""
        rng = self.rng
        if landing:
            first = teams[0]
            cx, cy = first.path_x[0], first.path_y[0]
        else:
            zx, zy, zr = self.world.zone_center(t0)
            angle = rng.random() * 2 * math.pi
            d = rng.uniform(0, zr * 0.7)
            cx, cy = zx + math.cos(angle) * d, zy + math.sin(angle) * d
        cx, cy = self.world.clamp_to_map(cx, cy)
        t1 = t0 + duration
        arrival: dict[int, int] = {}
        anchors: dict[int, tuple[float, float]] = {}
        for i, team in enumerate(teams):
            angle = rng.random() * 2 * math.pi
            primary = i < 2 or bool(eliminated and team in eliminated)
            radius = rng.uniform(1_500, 11_000) if primary else rng.uniform(6_000, 13_000)
            ax, ay = cx + math.cos(angle) * radius, cy + math.sin(angle) * radius
            third_party = i >= 2 and team not in eliminated
            arrives = t0 + int(duration * rng.uniform(0.3, 0.6)) if third_party else t0
            arrival[team.team_id] = arrives
            anchors[team.team_id] = (ax, ay)
            if landing:
                _drop_onto(rng, team, t0, ax, ay)
            team.add_waypoint(arrives - 1, ax, ay)
            team.add_waypoint(t1 + 1, ax, ay)
            team.busy_until = t1 + 5_000
            team.fights += 1
        knock_chance = 0.0
        if self.state.team_size > 1:
            knock_chance = calibration.SKIRMISH_KNOCK_CHANCE if skirmish else calibration.KNOCK_CHANCE
        engagement = Engagement(t0, t1, teams, eliminated, arrival, (cx, cy), anchors,
                                death_chance=0.0 if skirmish else calibration.DEATH_CHANCE, knock_chance=knock_chance,
                                skirmish=skirmish)
        self.resolve(engagement)
        self.state.engagements.append(engagement)

    # ----------------------------------------------------------------------------- resolution
    def resolve(self, fight: Engagement) -> None:
        """Casualties of one engagement, processed in time order through a small event heap."""
        heap: list[tuple[int, int, str, Character, str | None]] = []
        seq = 0
        for team in fight.teams:
            for t, who, intent in self._casualties(fight, team):
                heapq.heappush(heap, (t, seq, _CASUALTY, who, intent))
                seq += 1
        while heap:
            t, _, what, victim, intent = heapq.heappop(heap)
            if what == _CASUALTY:
                follow_up = self._casualty(fight, t, victim, intent)
                if follow_up is not None:
                    heapq.heappush(heap, (follow_up[0], seq, follow_up[1], victim, None))
                    seq += 1
            elif what == _FINISH:
                if victim.knock is not None and victim.is_alive(t):
                    self._finish(fight, t, victim)
            elif what == _BLEED:
                if victim.knock is not None and victim.is_alive(t):
                    self.bleed_out(fight, victim, t)
            elif victim.knock is not None and victim.is_alive(t):  # _REVIVE
                self._revive(fight, t, victim)
        # anybody still knocked at the end of the engagement bleeds out
        for team in fight.teams:
            for p in team.members:
                if p.knock is not None and p.is_alive(fight.end):
                    self.bleed_out(fight, p, max(fight.end, p.knock.knocked_at + 3000))

    def _casualties(self, fight: Engagement, team: Team) -> list[tuple[int, Character, str]]:
        """When which member of ``team`` goes down, and whether to die or to be revived."""
        rng = self.rng
        members = team.alive()
        if not members:
            return []
        duration = fight.end - fight.start
        low = max(fight.start + int(0.15 * duration), fight.arrival[team.team_id] + 3000)
        high = fight.end - 1500
        if high <= low:
            high = low + 2000
        if team in fight.eliminated:
            return [(rng.randint(low, high), p, "die") for p in members]
        out = []
        anchor = rng.choice(members)  # somebody of a surviving team stays standing
        for p in members:
            if p is anchor:
                continue
            k = rng.random()
            intent = "die" if k < fight.death_chance else ("revive" if k < fight.death_chance + fight.knock_chance else None)
            if intent:
                out.append((rng.randint(low, high), p, intent))
        return out

    def _standing_opponents(self, fight: Engagement, victim: Character, t: int) -> list[Character]:
        return [p for team in fight.teams if team.team_id != victim.team_id and fight.arrival[team.team_id] <= t
                for p in team.members if p.is_standing(t)]

    def _casualty(self, fight: Engagement, t: int, victim: Character, intent: str | None) -> tuple[int, str] | None:
        """``victim`` goes down at ``t``: knocked (then finished, bled out or revived later: returned)
        or killed outright."""
        rng = self.rng
        if not victim.is_standing(t):
            return None
        opponents = self._standing_opponents(fight, victim, t)
        if not opponents:
            return None
        survivors = [p for p in opponents if self.state.world.team_of[p.team_id] not in fight.eliminated]
        attacker = by_skill(rng, survivors if survivors and rng.random() < calibration.SURVIVOR_SHOOTS else opponents)
        info, attack_id, attacker_object, victim_object = self.lethal_hits(fight, t, attacker, victim)
        mates = [p for p in self.state.team_of(victim).members if p is not victim and p.is_standing(t)]
        if self.state.team_size > 1 and mates and rng.random() < calibration.KNOCK_INSTEAD_OF_KILL:
            self.combat.knock(t, attacker, victim, info, attack_id, attacker_object, victim_object)
            if intent == "revive":
                return (t + rng.randint(*calibration.REVIVE_AFTER_MS), _REVIVE)
            if rng.random() < calibration.FINISH_RATHER_THAN_BLEED:
                return (t + rng.randint(*calibration.FINISH_AFTER_MS), _FINISH)
            return (t + rng.randint(*calibration.BLEED_OUT_AFTER_MS), _BLEED)
        self.combat.kill(t, victim, killer=attacker, finisher=attacker, knock=None, finish_info=info, killer_info=info,
                         victim_object=victim_object, finisher_object=attacker_object, attack_id=attack_id)
        self.wipe_check(fight, victim.team_id, t + 1)
        return None

    def _finisher(self, fight: Engagement, t: int, victim: Character, knocker: Character) -> Character | None:
        """Who finishes a knocked ``victim``: mostly its knocker, else a mate of the knocker or a third team."""
        rng = self.rng
        opponents = self._standing_opponents(fight, victim, t)
        if not opponents:
            return None
        if knocker in opponents and rng.random() < calibration.KNOCKER_FINISHES:
            return knocker
        same = [p for p in opponents if p.team_id == knocker.team_id]
        other = [p for p in opponents if p.team_id != knocker.team_id]
        if other and rng.random() < calibration.THIRD_TEAM_STEALS:
            return rng.choice(other)
        if same:
            return rng.choice(same)
        return rng.choice(opponents)

    def _finish(self, fight: Engagement, t: int, victim: Character) -> None:
        """1-3 shots at a knocked ``victim`` (damage 0, as the game writes it); a third team that
        finishes steals the kill (the knocker assists)."""
        rng = self.rng
        world = self.world
        knock = victim.knock
        assert knock is not None
        knocker = knock.knocker
        finisher = self._finisher(fight, t, victim, knocker)
        if finisher is None:
            self.bleed_out(fight, victim, t)
            return
        self.end_knock(fight, victim, t)
        victim_object = world.fight_character(victim, t, fight, 0)
        n = rng.randint(1, 3)
        apart = rng.gauss(0.0, 1.0)
        finisher_object = victim_object
        last_info: dict = {}
        attack_id = -1
        low = max(finisher.up_since(t), t - 3000) + 1  # the finisher may have just been revived
        for k in range(n):
            hit = pick_hit(rng, finisher, melee_ok=False, lethal=k == n - 1)
            tt = min(t - (n - k), max(low, t - (n - k) * rng.randint(120, 500)))
            attack_id = finisher.next_attack_id()
            finisher_object = world.shooter(finisher, tt, victim_object, fight.anchors[finisher.team_id],
                                            hit_distance_cm(hit.range_kind, apart))
            if hit.weapon is not None and rng.random() < 0.7:
                self.combat.attack(min(tt, max(low, tt - rng.randint(20, 200))), finisher, hit.weapon, attack_id,
                                   finisher_object)
            self.combat.damage(tt, finisher, victim, hit.category, hit.reason, 0, hit.causer,
                               attacker_object=finisher_object, victim_object=victim_object, attack_id=attack_id)
            last_info = damage_info(hit.reason, hit.category, hit.causer, distance(finisher_object, victim_object))
        if finisher.team_id == knocker.team_id:
            killer, killer_info, assists = knocker, knock.info, []
        else:
            killer, killer_info = finisher, last_info
            assists = [knocker] if knocker.is_account else []
        knocker_object = finisher_object if knocker is finisher else world.fight_character(knocker, t, fight)
        self.combat.kill(t, victim, killer=killer, finisher=finisher, knock=knock, finish_info=last_info,
                         killer_info=killer_info, assists=assists, victim_object=victim_object,
                         finisher_object=finisher_object, killer_object=knocker_object, knocker_object=knocker_object,
                         attack_id=attack_id)

    def _revive(self, fight: Engagement, t: int, victim: Character) -> None:
        """A standing mate, if any, revives ``victim``: it kneels next to it."""
        rng = self.rng
        mates = [p for p in self.state.team_of(victim).members if p is not victim and p.is_standing(t)]
        if not mates:
            self.bleed_out(fight, victim, t)
            return
        reviver = rng.choice(mates)
        assert victim.knock is not None
        dbno_id = victim.knock.dbno_id
        self.end_knock(fight, victim, t)
        victim_object = self.world.fight_character(victim, t, fight, 10)
        reviver_object = self.world.shooter(reviver, t, victim_object, fight.anchors[reviver.team_id],
                                            rng.uniform(60, 150), float32(rng.uniform(30, 100)))
        self.combat.revive(t, reviver, dbno_id, reviver_object, victim_object)

    def lethal_hits(self, fight: Engagement, t: int, attacker: Character, victim: Character) -> tuple[dict, int, dict, dict]:
        """2-5 hits by ``attacker`` that take ``victim`` from full health to 0, the last one at t - a few ms,
        each from the distance its weapon is used at. Returns the DamageInfo and attackId of the last
        hit and both Character objects at ``t``."""
        rng = self.rng
        world = self.world
        health = 100.0
        n = rng.randint(2, 5)
        toward = fight.anchors[attacker.team_id]
        apart = rng.gauss(0.0, 1.0)  # how far apart the two are, for every weapon of the exchange
        victim_at_t = world.fight_character(victim, t, fight)
        # no shot before the shooter (or the victim) got up from an earlier knock
        low = max(attacker.up_since(t), victim.up_since(t)) + 350
        span = max(10, min(6000, t - low))
        times = sorted(t - rng.randint(5, span) for _ in range(n - 1)) + [t - rng.randint(2, 6)]
        info: dict = {}
        attack_id = -1
        attacker_object = victim_at_t
        for k, tt in enumerate(times):
            last = k == n - 1
            hit = pick_hit(rng, attacker, lethal=last)
            if last:
                amount = health
            else:
                amount = min(hit.damage, health - rng.uniform(1, 20))
                if amount <= 0.5:
                    amount = 0.5
            amount = float32(round(amount, 2))
            health = max(0.0, health - amount)
            if last:
                victim_object = victim_at_t
                victim_object["health"] = 0
            else:
                victim_object = world.fight_character(victim, tt, fight, float32(round(health + amount, 2)))
            attacker_object = world.shooter(attacker, tt, victim_object, toward, hit_distance_cm(hit.range_kind, apart))
            attack_id = attacker.next_attack_id() if hit.category != "Damage_Molotov" else -1
            if hit.weapon is not None and rng.random() < 0.8:
                self.combat.attack(max(low, tt - rng.randint(20, 300)), attacker, hit.weapon, attack_id, attacker_object)
            self.combat.damage(tt, attacker, victim, hit.category, hit.reason, amount, hit.causer,
                               attacker_object=attacker_object, victim_object=victim_object, attack_id=attack_id)
            if last:
                with_attachment = hit.weapon is not None and attacker.index % 3 == 0
                extra = [ATTACHMENTS[attacker.index % len(ATTACHMENTS)]] if with_attachment else []
                info = damage_info(hit.reason, hit.category, hit.causer, distance(attacker_object, victim_object), extra)
        return info, attack_id, attacker_object, victim_at_t

    # ----------------------------------------------------------------------------- knocked players
    def end_knock(self, fight: Engagement, victim: Character, t: int) -> None:
        """``victim`` stops lying knocked at ``t``: the bleeding ticks of the knock, one a second,
        either with the knocker as attacker and real damage or with the victim itself and damage 0
        (both shapes exist in real files)."""
        knock = victim.knock
        assert knock is not None
        victim.knocked_spans.append((knock.knocked_at, t))
        victim.knock = None
        rng = self.rng
        world = self.world
        tt = knock.knocked_at + rng.randint(700, 1100)
        spot = world.fight_character(victim, knock.knocked_at, fight, 0)["location"]
        xyz = (spot["x"], spot["y"], spot["z"])
        knocker = knock.knocker
        knocker_object = world.fight_character(knocker, knock.knocked_at, fight) if knock.bleeds_by_knocker else None
        knocker_died = knocker.died_at if knocker.died_at is not None else 1 << 62
        while tt < t - 200:
            if knock.bleeds_by_knocker and tt < knocker_died:
                amount = float32(rng.choice([1.0, 1.5, 2.0, 2.5, 3.0]) * rng.uniform(0.9, 1.1))
                self.combat.damage(tt, knocker, victim, "Damage_Groggy", "None", amount, knocker.body,
                                   attacker_object=knocker_object, victim_object=world.character(victim, tt, 0, xyz=xyz))
            else:
                own = world.character(victim, tt, 0, xyz=xyz)
                self.combat.damage(tt, victim, victim, "Damage_Groggy", "None", 0, victim.body, attacker_object=own,
                                   victim_object=own)
            tt += rng.randint(900, 1100)

    def bleed_out(self, fight: Engagement, victim: Character, t: int) -> None:
        """``victim`` dies of its knock; the knocker is credited."""
        knock = victim.knock
        assert knock is not None
        self.end_knock(fight, victim, t)
        victim_object = self.world.fight_character(victim, t, fight, 0)
        knocker_object = self.world.fight_character(knock.knocker, t, fight)
        finish = damage_info("None", "Damage_Groggy", knock.knocker.body, distance(knocker_object, victim_object))
        self.combat.kill(t, victim, killer=knock.knocker, finisher=knock.knocker, knock=knock, finish_info=finish,
                         killer_info=knock.info, victim_object=victim_object, finisher_object=knocker_object,
                         knocker_object=knocker_object)

    def wipe_check(self, fight: Engagement, team_id: int, t: int) -> None:
        """When the last standing member dies, the knocked ones die with them (credited to their knockers)."""
        team = self.world.team_of[team_id]
        if any(p.is_standing(t) for p in team.members):
            return
        for p in team.members:
            if p.knock is not None and p.is_alive(t):
                self.bleed_out(fight, p, t)
                t += 1


def _drop_onto(rng: random.Random, team: Team, t0: int, x: float, y: float) -> None:
    """A landing fight: the whole team drops at (x, y) a few seconds before ``t0``."""
    team.path_t[0] = min(team.path_t[0], t0 - 8_000)
    team.path_x[0], team.path_y[0] = x, y
    for p in team.members:
        p.landed_at = min(p.landed_at, t0 - rng.randint(3_000, 8_000))
        p.jumped_at = min(p.jumped_at, p.landed_at - 55_000)
