using Npgsql;

namespace GovGateway.Audit;

/// <summary>
/// The tables of the shared store. Every node's chain lives in <c>audit_entries</c>, keyed by (node, seq): the canonical
/// text of each entry is what its hash covers, and the other columns are copies of it for PostgreSQL's indexes, which
/// <c>audit verify</c> compares with the text. <c>audit_heads</c> holds each node's last entry, <c>audit_anchors</c> the
/// last one retention removed. <c>audit_format</c> holds the layout's version: a later one is refused, not misread.
/// </summary>
internal static class PostgresSchema
{
    public const int Format = 1;

    // unaccent and pg_trgm are trusted extensions (PostgreSQL 13+): the database's owner may create them. The fold is
    // wrapped in an IMMUTABLE function so that an index can be built on it; the dictionary is named so that a change of
    // search_path cannot change what the index holds.
    private const string Ddl = """
        CREATE EXTENSION IF NOT EXISTS unaccent;
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE OR REPLACE FUNCTION audit_fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, normalize(t, NFC))) $$;
        CREATE TABLE IF NOT EXISTS audit_format (version int NOT NULL);
        CREATE TABLE IF NOT EXISTS audit_entries (
            node text NOT NULL,
            seq bigint NOT NULL,
            kind text NOT NULL,
            time_utc timestamptz NOT NULL,
            queue_id text,
            tx_id text,
            mail_from text,
            message_id text,
            subject text,
            decision text,
            prev_hash text NOT NULL,
            hash text NOT NULL,
            canonical text NOT NULL,
            PRIMARY KEY (node, seq));
        CREATE TABLE IF NOT EXISTS audit_heads (node text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL, updated_utc timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS audit_anchors (node text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_tx_time ON audit_entries (time_utc DESC, node DESC, seq DESC) WHERE kind = 'transaction';
        CREATE INDEX IF NOT EXISTS audit_queue ON audit_entries (queue_id, node) WHERE kind = 'delivery';
        CREATE INDEX IF NOT EXISTS audit_sender ON audit_entries (lower(mail_from)) WHERE kind = 'transaction';
        CREATE INDEX IF NOT EXISTS audit_message_id ON audit_entries (message_id) WHERE kind = 'transaction';
        CREATE INDEX IF NOT EXISTS audit_subject ON audit_entries USING gin (audit_fold(subject) gin_trgm_ops) WHERE kind = 'transaction';
        """;

    /// <summary>Creates what is missing (several nodes may start at once: serialized by an advisory lock) and checks the format.</summary>
    public static void Ensure(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction();
        using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7231017)", conn, tx)) lockCmd.ExecuteNonQuery();
        using (var ddl = new NpgsqlCommand(Ddl, conn, tx)) ddl.ExecuteNonQuery();
        using var read = new NpgsqlCommand("SELECT max(version) FROM audit_format", conn, tx);
        var found = read.ExecuteScalar();
        if (found is DBNull or null)
        {
            using var insert = new NpgsqlCommand($"INSERT INTO audit_format (version) VALUES ({Format})", conn, tx);
            insert.ExecuteNonQuery();
        }
        else if (Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture) != Format)
        {
            throw new AuditLogDamagedException($"The PostgreSQL audit store is in format {found}; this gateway reads format {Format} (written by a newer version?).");
        }
        tx.Commit();
    }
}
