"""Damage that kills nobody: blue-zone ticks, falls, lobby punches, and the exchanges of fire inside
the fights (with their misses), up to the match's number of damage events."""

from __future__ import annotations

from bisect import bisect_right

from loader.synth import calibration
from loader.synth.catalog import BLUE_ZONE_CAUSER, DAMAGE_REASONS, GRENADE, PUNCH_DAMAGE
from loader.synth.combat import CombatStep, hit_distance_cm, pick_hit
from loader.synth.roster import Character, by_skill
from loader.synth.state import Engagement
from loader.synth.values import fast_choice, float32
from loader.synth.world import LOBBY_Z

TEAM_DAMAGE_SHARE = 0.012
OWN_GRENADE_SHARE = 0.006
ZERO_DAMAGE_SHARE = 0.04  # a hit on a standing player that does no damage (a helmet, a vest)


class Exchanges(CombatStep):
    """The damage events that kill nobody, up to the match's number of damage events."""

    def fill(self, damage_events_wanted: int) -> None:
        made = sum(1 for e in self.state.events if e[1] == "LogPlayerTakeDamage")
        made += self.zone_ticks()
        made += self.falls()
        made += self.lobby_punches()
        self.fights(max(int(damage_events_wanted * 0.1), damage_events_wanted - made))

    def zone_ticks(self) -> int:
        """Blue-zone damage that does not kill (players running from the zone late)."""
        rng = self.rng
        state = self.state
        clock = state.clock
        made = 0
        for _ in range(max(1, int(calibration.ZONE_TICKS_PER_MATCH * state.scale) // 10)):
            t = rng.randint(clock.t_start + 420_000, max(clock.t_start + 430_000, state.t_last_death - 10_000))
            p = rng.choice(state.players)
            if not p.is_able(t):
                continue
            x, y, _ = self.world.location(p, t)
            rate = float32(0.4 + 0.6 * (clock.is_game(t) - 1))
            health = 100.0
            for _ in range(rng.randint(4, 16)):
                if not p.is_able(t) or health - rate < 5 or t >= clock.t_end - 1_000:
                    break
                health -= rate
                self.combat.damage(t, None, p, "Damage_BlueZone", "NonSpecific", rate, BLUE_ZONE_CAUSER,
                                   victim_object=self.world.character(p, t, float32(round(health, 2)), xyz=(x, y, 400.0),
                                                                      blue=True))
                t += 1000
                made += 1
        return made

    def falls(self) -> int:
        """Self damage from falling."""
        rng = self.rng
        state = self.state
        made = 0
        for _ in range(max(1, int(30 * state.scale))):
            p = rng.choice(state.players)
            t = rng.randint(p.landed_at, state.t_last_death)
            if not p.is_able(t):
                continue
            own = self.world.character(p, t, float32(rng.uniform(40, 100)))
            self.combat.damage(t, p, p, "Damage_Instant_Fall", "NonSpecific", float32(rng.uniform(2, 25)), p.body,
                               attacker_object=own, victim_object=own)
            made += 1
        return made

    def lobby_punches(self) -> int:
        """Punches between players of different teams in the lobby (isGame 0: not counted)."""
        rng = self.rng
        state = self.state
        world = self.world
        made = 0
        for _ in range(rng.randint(2, 6)):
            attacker, victim = rng.sample(state.players, 2)
            if attacker.team_id == victim.team_id:
                continue
            t = rng.randint(state.clock.t_lobby + 5_000, state.clock.t_start - 2_000)
            lx, ly = world.lobby_xy(attacker)
            self.combat.damage(
                t, attacker, victim, "Damage_Punch", rng.choice(DAMAGE_REASONS),
                rng.choice(PUNCH_DAMAGE), attacker.body,
                attacker_object=world.character(attacker, t, xyz=(lx, ly, LOBBY_Z), zone=False),
                victim_object=world.character(victim, t, xyz=(lx + 80, ly + 60, LOBBY_Z), zone=False),
                attack_id=attacker.next_attack_id(), in_lobby=True)
            made += 1
        return made

    def fights(self, wanted: int) -> None:
        """In-fight exchanges, spread over the fights by length x teams, each with a few misses:
        hits on standing players, and shots at knocked ones."""
        rng = self.rng
        engagements = self.state.engagements
        if not engagements:
            return
        weights: list[float] = []
        total = 0.0
        for fight in engagements:
            total += max(1.0, (fight.end - fight.start) / 1000.0) * len(fight.teams)
            weights.append(total)
        rosters = [[p for team in fight.teams for p in team.members] for fight in engagements]
        knocked = [[(p, start, end) for p in members for start, end in p.knocked_spans if end - start > 1_000]
                   for members in rosters]
        made = attempts = 0
        while made < wanted and attempts < wanted * 6:
            attempts += 1
            i = min(bisect_right(weights, rng.random() * total), len(engagements) - 1)
            if knocked[i] and rng.random() < calibration.SHOTS_AT_KNOCKED_SHARE:
                done = self._shot_at_knocked(engagements[i], rosters[i], fast_choice(rng, knocked[i]))
            else:
                done = self._exchange(engagements[i], rosters[i])
            made += done

    def _shot_at_knocked(self, fight: Engagement, members: list[Character],
                         knocked: tuple[Character, int, int]) -> bool:
        """An opponent shoots at a player lying knocked: the game writes damage 0."""
        rng = self.rng
        victim, start, end = knocked
        last = min(end - 300, self.state.clock.t_end - 1_000)
        if last <= start + 300:
            return False
        t = rng.randint(start + 300, last)
        shooters = [p for p in members if p.team_id != victim.team_id and fight.arrival[p.team_id] <= t and p.is_able(t)]
        if not shooters:
            return False
        attacker = by_skill(rng, shooters)
        hit = pick_hit(rng, attacker, melee_ok=False)
        assert hit.weapon is not None
        victim_object = self.world.fight_character(victim, t, fight, 0)
        attacker_object = self.world.shooter(attacker, t, victim_object, fight.anchors[attacker.team_id],
                                             hit_distance_cm(hit.range_kind, rng.gauss(0.0, 1.0)))
        attack_id = attacker.next_attack_id()
        self.combat.attack(max(attacker.up_since(t) + 1, t - rng.randint(20, 400)), attacker, hit.weapon, attack_id,
                           attacker_object)
        self.combat.damage(t, attacker, victim, hit.category, hit.reason, 0, hit.causer, attacker_object=attacker_object,
                           victim_object=victim_object, attack_id=attack_id)
        self._misses(fight, members, min(fight.end, self.state.clock.t_end - 1_000))
        return True

    def _exchange(self, fight: Engagement, members: list[Character]) -> bool:
        """One hit between members of a fight (rarely a team mate or oneself), and a few misses."""
        rng = self.rng
        world = self.world
        arrival = fight.arrival
        last = min(fight.end, self.state.clock.t_end - 1_000)  # nothing after the match ends
        if last <= fight.start:
            return False
        t = rng.randint(fight.start, last)
        shooters = [p for p in members if arrival[p.team_id] <= t and p.is_able(t)]
        if not shooters:
            return False
        attacker = rng.choice(shooters)  # (skill decides who kills, not who trades shots)
        k = rng.random()
        if k < TEAM_DAMAGE_SHARE:
            mates = [p for p in shooters if p.team_id == attacker.team_id and p is not attacker]
            if not mates:
                return False
            victim = rng.choice(mates)
        elif k < TEAM_DAMAGE_SHARE + OWN_GRENADE_SHARE:
            victim = attacker
        else:
            opponents = [p for p in members if p.team_id != attacker.team_id and arrival[p.team_id] <= t and p.is_alive(t)]
            if not opponents:
                return False
            victim = rng.choice(opponents)
        if victim is attacker:
            own = world.fight_character(attacker, t, fight, float32(rng.uniform(30, 100)))
            self.combat.damage(t, attacker, attacker, "Damage_Explosion_Grenade", "NonSpecific",
                               float32(round(rng.uniform(5, 40), 2)), GRENADE, attacker_object=own, victim_object=own,
                               attack_id=attacker.next_attack_id())
            return True
        hit = pick_hit(rng, attacker)
        knocked = not victim.is_able(t)
        victim_health = 0 if knocked else float32(round(rng.uniform(20, 100), 2))
        amount: float
        if knocked or rng.random() < ZERO_DAMAGE_SHARE:
            amount = 0  # a knocked player takes damage 0 (as in the real file); a vest or helmet may stop a hit
        else:
            amount = float32(round(hit.damage, 2))
        attack_id = attacker.next_attack_id() if hit.weapon is not None or hit.category == "Damage_Explosion_Grenade" else -1
        victim_object = world.fight_character(victim, t, fight, victim_health)
        attacker_object = world.shooter(attacker, t, victim_object, fight.anchors[attacker.team_id],
                                        hit_distance_cm(hit.range_kind, rng.gauss(0.0, 1.0)))
        if hit.weapon is not None and rng.random() < 0.85:
            self.combat.attack(max(attacker.up_since(t) + 1, t - rng.randint(20, 400)), attacker, hit.weapon, attack_id,
                               attacker_object)
        self.combat.damage(t, attacker, victim, hit.category, hit.reason, amount, hit.causer,
                           attacker_object=attacker_object, victim_object=victim_object, attack_id=attack_id)
        self._misses(fight, members, last)
        return True

    def _misses(self, fight: Engagement, members: list[Character], last: int) -> None:
        rng = self.rng
        for _ in range(rng.randint(*calibration.MISSES_PER_HIT)):
            t = rng.randint(fight.start, last)
            shooters = [p for p in members if fight.arrival[p.team_id] <= t and p.is_able(t)]
            if shooters:
                shooter = rng.choice(shooters)
                gun = shooter.primary if rng.random() < 0.8 else shooter.secondary
                self.combat.attack(t, shooter, gun, shooter.next_attack_id(), self.world.fight_character(shooter, t, fight))
