using System.Text;
using LiteDB;

namespace GovGateway.Audit;

/// <summary>
/// What one run of <see cref="Seqs"/> consecutive chain numbers holds, for lookups by Message-ID and sender: a Bloom
/// filter of their transactions' lookup keys (<see cref="LookupKeys"/>) and the range of their times. A query reads
/// the blocks (a few bytes per entry), then only the entries of the blocks that may hold its key.
/// This replaced LiteDB indexes on Message-ID and sender: their keys arrive in random order, and each insert into
/// such a skip list touched pages all over the file; the two cost more than the rest of a transaction's insert.
/// A block only ever gains keys, so it stays a superset of what its entries hold after a purge.
/// </summary>
internal sealed class LookupBlock
{
    /// <summary>Chain numbers per block.</summary>
    public const int Seqs = 1024;
    /// <summary>Filter size: 32,768 bits, for up to ~2,000 keys (1,024 transactions with distinct senders) at under 0.1% false positives.</summary>
    public const int Bytes = 4096;
    private const int Hashes = 7;
    private const int Bits = Bytes * 8;

    private LookupBlock(long number, byte[] filter, DateTime minTime, DateTime maxTime)
    {
        Number = number;
        Filter = filter;
        MinTimeUtc = minTime;
        MaxTimeUtc = maxTime;
    }

    public static LookupBlock Empty(long number) => new(number, new byte[Bytes], DateTime.MaxValue, DateTime.MinValue);

    public long Number { get; }
    public byte[] Filter { get; }
    /// <summary>Earliest and latest transaction time in the block (MaxValue/MinValue while it has none).</summary>
    public DateTime MinTimeUtc { get; private set; }
    public DateTime MaxTimeUtc { get; private set; }

    public long FirstSeq => Number * Seqs;
    public long LastSeq => Number * Seqs + Seqs - 1;

    public static long NumberOf(long seq) => seq / Seqs;

    /// <summary>Adds a transaction: its keys and its time.</summary>
    public void Add(AuditEntry transaction)
    {
        foreach (var key in LookupKeys.Of(transaction.Transaction!)) Add(key);
        if (transaction.TimeUtc < MinTimeUtc) MinTimeUtc = transaction.TimeUtc;
        if (transaction.TimeUtc > MaxTimeUtc) MaxTimeUtc = transaction.TimeUtc;
    }

    /// <summary>Adds one key (<see cref="LookupKeys"/>) without touching the time range.</summary>
    public void Add(string key)
    {
        var (h1, h2) = Hash(key);
        for (int i = 0; i < Hashes; i++)
        {
            int bit = Bit(h1, h2, i);
            Filter[bit >> 3] |= (byte)(1 << (bit & 7));
        }
    }

    /// <summary>False when no entry of the block has this key; true when one may have it.</summary>
    public bool MayContain(string key)
    {
        var (h1, h2) = Hash(key);
        for (int i = 0; i < Hashes; i++)
        {
            int bit = Bit(h1, h2, i);
            if ((Filter[bit >> 3] & (1 << (bit & 7))) == 0) return false;
        }
        return true;
    }

    /// <summary>Whether the block covers the transaction: its time in range and every one of its keys present.</summary>
    public bool Covers(AuditEntry transaction) =>
        transaction.TimeUtc >= MinTimeUtc && transaction.TimeUtc <= MaxTimeUtc && LookupKeys.Of(transaction.Transaction!).All(MayContain);

    public bool Overlaps(DateTime since, DateTime until) => MaxTimeUtc >= since && MinTimeUtc < until;

    public BsonDocument ToDocument() => new()
    {
        ["_id"] = Number,
        ["MinTimeUtc"] = MinTimeUtc,
        ["MaxTimeUtc"] = MaxTimeUtc,
        ["Filter"] = Filter,
    };

    /// <summary>The block a document holds, or null when it is not one (damaged or edited): verify reports that.</summary>
    public static LookupBlock? FromDocument(BsonDocument doc)
    {
        if (!doc["_id"].IsNumber || !doc["MinTimeUtc"].IsDateTime || !doc["MaxTimeUtc"].IsDateTime || !doc["Filter"].IsBinary) return null;
        var filter = doc["Filter"].AsBinary;
        if (filter.Length != Bytes) return null;
        return new LookupBlock(doc["_id"].AsInt64, filter, doc["MinTimeUtc"].AsDateTime.ToUniversalTime(), doc["MaxTimeUtc"].AsDateTime.ToUniversalTime());
    }

    // Double hashing (Kirsch-Mitzenmacher) from one 64-bit FNV-1a hash of the UTF-8 key and a mix of it: stable across
    // processes and versions, which string.GetHashCode is not.
    private static (uint, uint) Hash(string key)
    {
        ulong h = 14695981039346656037UL;
        Span<byte> buffer = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        int n = Encoding.UTF8.GetBytes(key, buffer);
        foreach (var b in buffer[..n])
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        ulong m = h ^ (h >> 33);
        m *= 0xff51afd7ed558ccdUL;
        m ^= m >> 33;
        return ((uint)h ^ (uint)(h >> 32), (uint)m | 1);
    }

    private static int Bit(uint h1, uint h2, int i) => (int)((h1 + (uint)i * h2) % Bits);
}
