-- Roles for a pewstats-dbt deployment on PostgreSQL. Run once as the database owner:
--   psql -d pewstats -v raw=raw -v marts=analytics -f docs/operations/sql/roles.sql
-- then set passwords (\password pewstats_loader, …) or use your own authentication, and
-- create the raw tables as the loader, so that it owns them:
--   PGUSER=pewstats_loader PEWSTATS_TARGET=postgres pewstats init
--
--   pewstats_loader       writes the raw schema only (pewstats load / the load part of run)
--   pewstats_transformer  reads raw, owns the dbt schemas (dbt build, pewstats run)
--   pewstats_reader       the web API: reads the marts only
--   pewstats_runner       `pewstats run` (cron): loads and builds, so it is a member of
--                         pewstats_loader and pewstats_transformer and nothing more
--
-- dbt's schemas are <marts>, <marts>_staging, <marts>_intermediate, <marts>_seeds.

\set ON_ERROR_STOP on
\set staging_schema :marts '_staging'
\set intermediate_schema :marts '_intermediate'
\set seeds_schema :marts '_seeds'

do $$
begin
    if not exists (select from pg_roles where rolname = 'pewstats_loader') then
        create role pewstats_loader login;
    end if;
    if not exists (select from pg_roles where rolname = 'pewstats_transformer') then
        create role pewstats_transformer login;
    end if;
    if not exists (select from pg_roles where rolname = 'pewstats_reader') then
        create role pewstats_reader login;
    end if;
    if not exists (select from pg_roles where rolname = 'pewstats_runner') then
        create role pewstats_runner login in role pewstats_loader, pewstats_transformer;
    end if;
end
$$;

-- raw: owned by the loader; the transformer reads it
create schema if not exists :"raw" authorization pewstats_loader;
grant usage on schema :"raw" to pewstats_transformer;
grant select on all tables in schema :"raw" to pewstats_transformer;
alter default privileges for role pewstats_loader in schema :"raw" grant select on tables to pewstats_transformer;
alter default privileges for role pewstats_runner in schema :"raw" grant select on tables to pewstats_transformer;

-- dbt's schemas: owned by the transformer; the reader sees the marts only
create schema if not exists :"marts" authorization pewstats_transformer;
create schema if not exists :"staging_schema" authorization pewstats_transformer;
create schema if not exists :"intermediate_schema" authorization pewstats_transformer;
create schema if not exists :"seeds_schema" authorization pewstats_transformer;
grant usage on schema :"marts" to pewstats_reader;
grant select on all tables in schema :"marts" to pewstats_reader;
alter default privileges for role pewstats_transformer in schema :"marts" grant select on tables to pewstats_reader;
alter default privileges for role pewstats_runner in schema :"marts" grant select on tables to pewstats_reader;

-- nobody else creates objects in public
revoke create on schema public from public;
