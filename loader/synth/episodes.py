"""Combat that is not a team fight: long-range pokes, blue-zone deaths, suicides, team kills and NPCs."""

from __future__ import annotations

import math

from loader.synth import calibration
from loader.synth.catalog import BLUE_ZONE_CAUSER, DAMAGE_REASONS, GRENADE, NPC_FIRST_TEAM
from loader.synth.combat import CombatStep, gun_hit, hit_distance_cm, pick_hit
from loader.synth.roster import Character, Team
from loader.synth.telemetry_objects import damage_info
from loader.synth.values import float32
from loader.synth.world import distance


class Episodes(CombatStep):
    """Pokes, blue-zone deaths, suicides, team kills and NPC encounters."""

    def poke(self, t0: int, duration: int, shooting_team: Team, target_team: Team) -> None:
        """One-sided damage from far out, with the shooter's longest-reaching gun, no response:
        an engagement that is not a fight."""
        rng = self.rng
        world = self.world
        shooters = [p for p in shooting_team.alive() if p.knock is None]
        targets = target_team.alive()
        if not shooters or not targets:
            return
        shooter = rng.choice(shooters)
        target = rng.choice(targets)
        gun = max(shooter.primary, shooter.secondary, key=lambda g: calibration.HIT_RANGES[g.weapon_class].median_m)
        ax, ay, _ = world.location(shooter, t0)
        angle = rng.random() * 2 * math.pi
        d = hit_distance_cm(gun.weapon_class, rng.uniform(*calibration.POKE_QUANTILES))
        vx, vy = ax + math.cos(angle) * d, ay + math.sin(angle) * d
        health = 100.0
        for _ in range(rng.randint(2, 5)):
            t = t0 + rng.randint(0, duration)
            hit = gun_hit(rng, gun)
            amount = float32(round(min(hit.damage, health - 5), 2))
            if amount <= 0:
                break
            health -= amount
            attack_id = shooter.next_attack_id()
            shooter_object = world.character(shooter, t, xyz=(ax, ay, float32(rng.uniform(300, 900))))
            target_object = world.character(target, t, float32(round(health, 2)),
                                            xyz=(vx, vy, float32(rng.uniform(300, 900))))
            self.combat.attack(t - rng.randint(100, 400), shooter, gun, attack_id, shooter_object)
            self.combat.damage(t, shooter, target, hit.category, hit.reason, amount, hit.causer,
                               attacker_object=shooter_object, victim_object=target_object, attack_id=attack_id)

    def blue_zone_death(self, t0: int, victim: Character) -> None:
        """Caught outside the zone: a tick a second until dead (no ``attacker``, no ``killer``)."""
        rng = self.rng
        world = self.world
        rate = 0.4 + 0.9 * self.state.clock.is_game(t0)
        n = min(max(2, int(100 / rate) + 1), 60)
        per_tick = 100.0 / (n - 1)
        health = 100.0
        x, y, _ = world.location(victim, t0)
        t = t0
        for _ in range(n):
            amount = float32(round(min(per_tick, health), 2))
            if amount <= 0:
                break
            health = max(0.0, health - amount)
            self.combat.damage(t, None, victim, "Damage_BlueZone", "NonSpecific", amount, BLUE_ZONE_CAUSER,
                               victim_object=world.character(victim, t, float32(round(health, 2)),
                                                             xyz=(x, y, float32(rng.uniform(300, 600))), blue=True))
            t += 1000
        zone = damage_info("NonSpecific", "Damage_BlueZone", BLUE_ZONE_CAUSER, -1)
        self.combat.kill(t, victim, killer=None, finisher=None, knock=None, finish_info=zone,
                         killer_info=damage_info("", "", "", -1),
                         victim_object=world.character(victim, t, 0, xyz=(x, y, float32(rng.uniform(300, 600))), blue=True))
        team = self.state.team_of(victim)
        team.busy_until = max(team.busy_until, t + 2000)

    def suicide(self, t0: int, victim: Character) -> None:
        """A fall or one's own grenade: killer and finisher are the victim, ``isSuicide`` true."""
        rng = self.rng
        victim_object = self.world.character(victim, t0, 0)
        if rng.random() < 0.5:
            category, causer = "Damage_Instant_Fall", victim.body
        else:
            category, causer = "Damage_Explosion_Grenade", GRENADE
        self.combat.damage(t0 - 3, victim, victim, category, "NonSpecific", 100, causer, attacker_object=victim_object,
                           victim_object=victim_object)
        info = damage_info("NonSpecific", category, causer, -1)
        self.combat.kill(t0, victim, killer=victim, finisher=victim, knock=None, finish_info=info, killer_info=info,
                         suicide=True, victim_object=victim_object, finisher_object=victim_object,
                         killer_object=victim_object)

    def team_kill(self, t0: int, killer: Character, victim: Character) -> None:
        """Three hits on a team mate, the last one lethal (``teamKillers_AccountId`` names the killer)."""
        rng = self.rng
        world = self.world
        killer_object = world.character(killer, t0)
        x, y, _ = world.location(killer, t0)
        victim_object = world.character(victim, t0, 0, xyz=(x + rng.uniform(-900, 900), y + rng.uniform(-900, 900),
                                                             float32(rng.uniform(300, 600))))
        health = 100.0
        info: dict = {}
        attack_id = -1
        for j in range(3):
            hit = pick_hit(rng, killer, melee_ok=False)
            amount = float32(round(health if j == 2 else min(hit.damage, health - 10), 2))
            health -= amount
            attack_id = killer.next_attack_id()
            self.combat.damage(t0 - (3 - j) * 300, killer, victim, hit.category, hit.reason, amount, hit.causer,
                               attacker_object=killer_object, victim_object=victim_object, attack_id=attack_id)
            info = damage_info(hit.reason, hit.category, hit.causer, distance(killer_object, victim_object))
        self.combat.kill(t0, victim, killer=killer, finisher=killer, knock=None, finish_info=info, killer_info=info,
                         team_kill=True, victim_object=victim_object, finisher_object=killer_object, attack_id=attack_id)

    def npc_encounter(self, t0: int, duration: int, team: Team) -> None:
        """A team trades shots with the map's NPCs (no account id, teams 200+)."""
        rng = self.rng
        world = self.world
        npcs = self.state.roster.npcs
        members = [p for p in team.alive() if p.knock is None]
        if not members or not npcs:
            return
        x, y, _ = world.location(members[0], t0)
        camp = (x + rng.uniform(-4000, 4000), y + rng.uniform(-4000, 4000))  # where the NPCs hold out
        for _ in range(rng.randint(5, 20)):
            t = t0 + rng.randint(0, duration)
            p = rng.choice(members)
            npc = rng.choice(npcs)
            p_object = world.character(p, t, xyz=(x + rng.uniform(-1500, 1500), y + rng.uniform(-1500, 1500),
                                                  float32(rng.uniform(300, 700))))
            apart = rng.gauss(0.0, 1.0)
            if rng.random() < 0.5:
                hit = pick_hit(rng, p, melee_ok=False)
                npc_object = world.shooter(npc, t, p_object, camp, hit_distance_cm(hit.range_kind, apart))
                self.combat.damage(t, p, npc, hit.category, hit.reason, float32(round(hit.damage, 2)), hit.causer,
                                   attacker_object=p_object, victim_object=npc_object, attack_id=p.next_attack_id())
            else:
                npc_object = world.shooter(npc, t, p_object, camp, hit_distance_cm(npc.primary.weapon_class, apart))
                self.combat.damage(t, npc, p, "Damage_Gun", rng.choice(DAMAGE_REASONS[:4]),
                                   float32(round(rng.uniform(5, 25), 2)), npc.primary.causer,
                                   attacker_object=npc_object, victim_object=p_object, attack_id=npc.next_attack_id())

    def npc_vs_npc(self, t0: int, duration: int) -> None:
        """Only NPCs: an engagement the fight detector must drop without failing."""
        rng = self.rng
        world = self.world
        npcs = self.state.roster.npcs
        side_a = [p for p in npcs if p.team_id == NPC_FIRST_TEAM]
        side_b = [p for p in npcs if p.team_id == NPC_FIRST_TEAM + 1]
        if not side_a or not side_b:
            return
        size = world.map_size
        x, y = rng.uniform(0.2, 0.8) * size, rng.uniform(0.2, 0.8) * size
        for _ in range(rng.randint(6, 12)):
            t = t0 + rng.randint(0, duration)
            if rng.random() < 0.5:
                shooter, target = rng.choice(side_a), rng.choice(side_b)
            else:
                shooter, target = rng.choice(side_b), rng.choice(side_a)
            self.combat.damage(
                t, shooter, target, "Damage_Gun", "TorsoShot", float32(round(rng.uniform(20, 40), 2)),
                shooter.primary.causer,
                attacker_object=world.character(shooter, t, xyz=(x + rng.uniform(-2000, 2000),
                                                                 y + rng.uniform(-2000, 2000), 500.0)),
                victim_object=world.character(target, t, xyz=(x + rng.uniform(-2000, 2000),
                                                              y + rng.uniform(-2000, 2000), 500.0)),
                attack_id=shooter.next_attack_id())
