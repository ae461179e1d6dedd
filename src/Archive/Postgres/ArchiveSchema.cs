using Npgsql;

namespace GovGateway.Archive.Postgres;

/// <summary>
/// The archive's tables in the audit log's PostgreSQL database (own tables, archive_*). Full text: a tsvector over the
/// text folded by <c>archive_fold</c> (NFC, lower case, <c>unaccent</c>, which also maps đ to d), under a GIN index.
/// Created on first use under an advisory lock, so nodes starting together do not race.
/// </summary>
internal static class ArchiveSchema
{
    private const string Sql = """
        SELECT pg_advisory_xact_lock(7236001190);
        CREATE EXTENSION IF NOT EXISTS unaccent;
        -- unaccent() is only STABLE (it reads its dictionary by name); with the dictionary named it is safe to index.
        CREATE OR REPLACE FUNCTION archive_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT unaccent('unaccent'::regdictionary, lower(normalize(t, NFC))) $$;
        CREATE TABLE IF NOT EXISTS archive_documents (
            id text COLLATE "C" PRIMARY KEY,
            meta jsonb NOT NULL,
            body text NOT NULL,
            tsv tsvector NOT NULL,
            size bigint NOT NULL,
            class text NOT NULL,
            doc_type text NOT NULL,
            notation text NOT NULL,
            number integer,
            issuer_words text[] NOT NULL,
            signer_words text[] NOT NULL,
            signed boolean NOT NULL,
            urgent boolean NOT NULL,
            register_year integer NOT NULL,
            first_seen timestamptz NOT NULL,
            last_exchange timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS archive_documents_tsv ON archive_documents USING gin (tsv);
        CREATE INDEX IF NOT EXISTS archive_documents_last ON archive_documents (last_exchange DESC, id);
        CREATE INDEX IF NOT EXISTS archive_documents_year ON archive_documents (register_year);
        CREATE INDEX IF NOT EXISTS archive_documents_notation ON archive_documents (notation, number);
        CREATE INDEX IF NOT EXISTS archive_documents_issuer ON archive_documents USING gin (issuer_words);
        CREATE INDEX IF NOT EXISTS archive_documents_signer ON archive_documents USING gin (signer_words);
        CREATE TABLE IF NOT EXISTS archive_files (
            id text COLLATE "C" PRIMARY KEY REFERENCES archive_documents (id) ON DELETE CASCADE,
            content bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS archive_exchanges (
            document_id text COLLATE "C" NOT NULL REFERENCES archive_documents (id) ON DELETE CASCADE,
            direction text NOT NULL,
            queue_id text NOT NULL,
            time timestamptz NOT NULL,
            exchange jsonb NOT NULL,
            PRIMARY KEY (document_id, direction, queue_id));
        CREATE INDEX IF NOT EXISTS archive_exchanges_time ON archive_exchanges (time);
        CREATE TABLE IF NOT EXISTS archive_holds (
            document_id text COLLATE "C" PRIMARY KEY REFERENCES archive_documents (id) ON DELETE CASCADE,
            reason text NOT NULL,
            held_by text NOT NULL,
            since timestamptz NOT NULL);
        """;

    public static void Ensure(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        using (var cmd = new NpgsqlCommand(Sql, conn, tx)) cmd.ExecuteNonQuery();
        tx.Commit();
    }
}
