-- Roles for a pewstats-dbt deployment on PostgreSQL. Run once (again after an upgrade: it is
-- idempotent) as a superuser or the database owner:
--   psql -d pewstats -v raw=raw -v marts=analytics -f docs/operations/sql/roles.sql
-- (-v prefix=NAME names the roles NAME_loader, ...; default pewstats). Then set passwords
-- (\password pewstats_loader, ...) or use your own authentication, and create the raw tables
-- as their owner, from a member of it (the role that ran this script):
--   PEWSTATS_TARGET=postgres pewstats init --owner pewstats_raw_owner
--
-- Two roles own everything and cannot log in:
--   pewstats_raw_owner    owns the raw schema, its tables and the pipeline's two lock tables
--   pewstats_owner        owns dbt's schemas and every object dbt builds (dbt runs as it:
--                         PEWSTATS_DBT_ROLE=pewstats_owner, the profile's `role:`)
-- and four log in, each with only what its job needs:
--   pewstats_loader       rows of the raw tables (select, insert, update, delete): no create,
--                         owns nothing, so it cannot put code where the builder runs it
--   pewstats_transformer  `pewstats dbt build`: a member of pewstats_owner (reads raw, builds)
--   pewstats_reader       the web API: reads the marts only; takes no pipeline lock
--   pewstats_runner       `pewstats run` (cron): loads and builds, so a member of
--                         pewstats_loader and pewstats_transformer and nothing more
--
-- dbt's schemas are <marts>, <marts>_staging, <marts>_intermediate, <marts>_seeds.

\set ON_ERROR_STOP on
\if :{?prefix}
\else
    \set prefix pewstats
\endif
\if :{?raw}
\else
    \set raw raw
\endif
\if :{?marts}
\else
    \set marts analytics
\endif
\set raw_owner :prefix '_raw_owner'
\set owner :prefix '_owner'
\set loader :prefix '_loader'
\set transformer :prefix '_transformer'
\set reader :prefix '_reader'
\set runner :prefix '_runner'
\set staging_schema :marts '_staging'
\set intermediate_schema :marts '_intermediate'
\set seeds_schema :marts '_seeds'

-- the names reach SQL quoted (%I, :"name"); still, refuse those the loader and dbt refuse
select format(
    'do $check$ begin raise exception %L; end $check$',
    name || ' is not a safe name: use 1-63 lowercase letters, digits and _, not starting with a digit'
)
from unnest(array[
    :'raw', :'marts', :'intermediate_schema', :'raw_owner', :'owner', :'loader', :'transformer', :'reader', :'runner'
]) as name
where name !~ '^[a-z_][a-z0-9_]{0,62}$' \gexec

-- roles, created if missing (LOGIN roles get no password here)
select format('create role %I nologin', r) from unnest(array[:'raw_owner', :'owner']) as r
where not exists (select from pg_roles where rolname = r) \gexec
select format('create role %I login', r) from unnest(array[:'loader', :'transformer', :'reader', :'runner']) as r
where not exists (select from pg_roles where rolname = r) \gexec
-- the owners own, they do not log in
select format('alter role %I nologin', r) from unnest(array[:'raw_owner', :'owner']) as r \gexec
grant :"owner" to :"transformer";
grant :"loader", :"transformer" to :"runner";
-- whoever runs this (not a superuser) may then run `pewstats init --owner` and manage both
select format('grant %I, %I to %I', :'raw_owner', :'owner', current_user)
where not (select rolsuper from pg_roles where rolname = current_user) \gexec

-- raw: owned by pewstats_raw_owner; the loader has row rights only, the builder reads
create schema if not exists :"raw" authorization :"raw_owner";
alter schema :"raw" owner to :"raw_owner";
revoke all on schema :"raw" from public;
-- the pipeline's locks (loader/landing/locks.py): EXCLUSIVE locks on these empty tables, which
-- a role can take only with update on them
create table if not exists :"raw".pewstats_run_lock ();
create table if not exists :"raw".pewstats_write_lock ();
-- raw holds tables and their indexes, and the views over the compact tables and their trigger
-- function that `pewstats init --owner` makes as the raw owner (loader/formats/layout.py):
-- any other object (a view, a function of another role: what a loader that owned the schema,
-- as an earlier version of this script let it, could have put there) stops this script, to be
-- looked at and dropped by hand
select format(
    'do $check$ begin raise exception %L; end $check$',
    'schema ' || :'raw' || ' holds objects that are not tables: ' || string_agg(name, ', ')
    || '; look at them, drop them and run this script again'
)
from (
    select c.relname as name from pg_class as c inner join pg_namespace as n on c.relnamespace = n.oid
    where
        n.nspname = :'raw' and c.relkind not in ('r', 'p', 'i', 'I', 't')
        and not (c.relkind = 'v' and pg_get_userbyid(c.relowner) = :'raw_owner')
    union all
    select p.proname from pg_proc as p inner join pg_namespace as n on p.pronamespace = n.oid
    where n.nspname = :'raw' and pg_get_userbyid(p.proowner) <> :'raw_owner'
) as unexpected
having count(*) > 0 \gexec
-- every table in raw belongs to its owner (also those an earlier version let the loader own)
select format('alter table %I.%I owner to %I', n.nspname, c.relname, :'raw_owner')
from pg_class as c inner join pg_namespace as n on c.relnamespace = n.oid
where n.nspname = :'raw' and c.relkind in ('r', 'p') and pg_get_userbyid(c.relowner) <> :'raw_owner' \gexec
grant usage on schema :"raw" to :"loader", :"owner";
revoke create on schema :"raw" from :"loader", :"owner", :"transformer", :"runner";
grant select, insert, update, delete on all tables in schema :"raw" to :"loader";
revoke truncate, references, trigger on all tables in schema :"raw" from :"loader";
grant select on all tables in schema :"raw" to :"owner";
grant update on :"raw".pewstats_run_lock to :"owner";
alter default privileges for role :"raw_owner" in schema :"raw" grant select, insert, update, delete on tables to :"loader";
alter default privileges for role :"raw_owner" in schema :"raw" grant select on tables to :"owner";

-- dbt's schemas: owned by pewstats_owner; the reader sees the marts only
create schema if not exists :"marts" authorization :"owner";
create schema if not exists :"staging_schema" authorization :"owner";
create schema if not exists :"intermediate_schema" authorization :"owner";
create schema if not exists :"seeds_schema" authorization :"owner";
select format('alter schema %I owner to %I', s, :'owner')
from unnest(array[:'marts', :'staging_schema', :'intermediate_schema', :'seeds_schema']) as s \gexec
-- every object dbt built belongs to the owner (also those built by whoever ran dbt first before)
select format(
    'alter %s %I.%I owner to %I',
    case c.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
    n.nspname, c.relname, :'owner'
)
from pg_class as c inner join pg_namespace as n on c.relnamespace = n.oid
where n.nspname in (:'marts', :'staging_schema', :'intermediate_schema', :'seeds_schema')
    and c.relkind in ('r', 'p', 'v', 'm') and pg_get_userbyid(c.relowner) <> :'owner' \gexec
select format('revoke all on schema %I from public', s)
from unnest(array[:'marts', :'staging_schema', :'intermediate_schema', :'seeds_schema']) as s \gexec
grant usage on schema :"marts" to :"reader";
grant select on all tables in schema :"marts" to :"reader";
alter default privileges for role :"owner" in schema :"marts" grant select on tables to :"reader";

-- nobody else creates objects in public
revoke create on schema public from public;
