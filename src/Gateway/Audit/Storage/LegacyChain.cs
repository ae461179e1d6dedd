using LiteDB;
using Microsoft.Extensions.Logging;

namespace GovGateway.Audit;

/// <summary>
/// Databases written before chunks (<see cref="ChainChunk"/>) kept one document per entry in "transactions" and
/// "deliveries", with each field as BSON, the entry's hash beside it, and outcomes of the same batch inside their
/// transaction's document. Opening such a database moves every entry into chunks, in its canonical form computed from
/// the stored fields and numbers (what verify hashed before), so a record changed before the move still fails verify.
/// </summary>
internal static class LegacyChain
{
    public const string TransactionsCollection = "transactions";
    public const string DeliveriesCollection = "deliveries";

    public static bool Present(LiteDatabase db) =>
        (db.CollectionExists(TransactionsCollection) && db.GetCollection(TransactionsCollection).Count() > 0)
        || (db.CollectionExists(DeliveriesCollection) && db.GetCollection(DeliveriesCollection).Count() > 0);

    /// <summary>
    /// Appends every legacy entry, in chain order, to <paramref name="write"/> (which stores them as chunks) and then
    /// removes the old collections; the caller runs it inside one LiteDB transaction. Returns how many entries moved.
    /// </summary>
    public static long Migrate(LiteDatabase db, Action<IReadOnlyList<(AuditEntry Entry, string Canonical)>> write, int chunkEntries, ILogger logger)
    {
        var transactions = db.GetCollection<AuditEntry>(TransactionsCollection);
        var deliveries = db.GetCollection<AuditEntry>(DeliveriesCollection);
        long moved = 0;
        var chunk = new List<(AuditEntry, string)>(chunkEntries);
        int bytes = 0;
        foreach (var entry in Entries(transactions, deliveries))
        {
            var stored = entry.Hash;
            var (canonical, hash) = ChainHasher.Link(entry.PrevHash, entry);
            if (hash != stored)
                logger.LogWarning("Audit entry {Seq} did not match its stored hash before the move to chunks; verify will report it", entry.Id);
            if (chunk.Count == chunkEntries || (chunk.Count > 0 && bytes + canonical.Length > ChainChunk.MaxBytes))
            {
                write(chunk);
                chunk = new List<(AuditEntry, string)>(chunkEntries);
                bytes = 0;
            }
            chunk.Add((entry, canonical));
            bytes += canonical.Length;
            moved++;
        }
        if (chunk.Count > 0) write(chunk);
        transactions.DeleteAll();
        deliveries.DeleteAll();
        return moved;
    }

    /// <summary>Drops the emptied legacy collections (outside the move's transaction: LiteDB drops on its own).</summary>
    public static void Drop(LiteDatabase db)
    {
        db.DropCollection(TransactionsCollection);
        db.DropCollection(DeliveriesCollection);
    }

    /// <summary>Every legacy entry in sequence order: a merge of both collections and of the outcomes stored inside transactions.</summary>
    private static IEnumerable<AuditEntry> Entries(ILiteCollection<AuditEntry> transactions, ILiteCollection<AuditEntry> deliveries)
    {
        using var tx = transactions.Find(Query.All("_id", Query.Ascending)).GetEnumerator();
        using var dl = deliveries.Find(Query.All("_id", Query.Ascending)).GetEnumerator();
        var embedded = new PriorityQueue<AuditEntry, long>();
        bool hasTx = tx.MoveNext(), hasDl = dl.MoveNext();
        while (hasTx || hasDl || embedded.Count > 0)
        {
            long next = Math.Min(hasTx ? tx.Current.Id : long.MaxValue, hasDl ? dl.Current.Id : long.MaxValue);
            if (embedded.TryPeek(out var outcome, out long seq) && seq <= next)
            {
                embedded.Dequeue();
                yield return outcome;
            }
            else if (hasTx && tx.Current.Id == next)
            {
                var t = tx.Current;
                foreach (var o in t.Outcomes ?? []) embedded.Enqueue(o, o.Id);
                t.Outcomes = null;
                yield return t;
                hasTx = tx.MoveNext();
            }
            else
            {
                yield return dl.Current;
                hasDl = dl.MoveNext();
            }
        }
    }
}
