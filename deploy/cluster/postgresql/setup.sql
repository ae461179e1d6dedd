-- The shared audit database for the gateway nodes (run once on the PostgreSQL primary, as postgres):
--   psql -v gateway_password="'...'" -f setup.sql
-- The gateways create and migrate their own tables (Audit:Store=PostgreSQL); this makes only the role,
-- the database and the extension they use for diacritic-insensitive subject search.
CREATE ROLE gateway LOGIN PASSWORD :gateway_password;
CREATE DATABASE govgateway OWNER gateway ENCODING 'UTF8' TEMPLATE template0;
\connect govgateway
CREATE EXTENSION IF NOT EXISTS unaccent;
-- Auditors read through their own role; they cannot change a record (the chain would show it anyway).
CREATE ROLE auditor LOGIN PASSWORD NULL;
GRANT CONNECT ON DATABASE govgateway TO auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE gateway IN SCHEMA public GRANT SELECT ON TABLES TO auditor;
-- For the streaming replica (see pg_hba.conf and README "More than one machine").
CREATE ROLE replicator LOGIN REPLICATION PASSWORD NULL;
