using System.Security.Cryptography;

namespace GovGateway.Spool;

/// <summary>
/// Generates queue ids that sort by arrival time: 10 Crockford base32 characters of Unix milliseconds, 2 of the
/// node's tag, then 6 of a per-process counter seeded randomly. Ids stay unique across restarts and concurrent
/// sessions, `ls` shows the queue in arrival order, and nodes side by side (one shared audit store) do not give
/// the same id: two nodes would need the same millisecond, the same tag and the same counter value. The tag is
/// derived from <c>Node:Name</c> (<see cref="NodeTag"/>); the start-up log shows it, so two nodes whose names
/// happen to share a tag (1 pair of names in 1,024) can be told to use other names.
/// </summary>
public static class QueueId
{
    const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static long s_counter = RandomNumberGenerator.GetInt32(int.MaxValue);
    static readonly string s_defaultTag = NodeTag(Environment.MachineName);

    /// <summary>A new id; <paramref name="nodeTag"/> from <see cref="NodeTag"/>, by default that of the host name (Node:Name's default).</summary>
    public static string New(DateTimeOffset? now = null, string? nodeTag = null)
    {
        var tag = nodeTag ?? s_defaultTag;
        if (tag.Length != 2 || !Alphabet.Contains(tag[0]) || !Alphabet.Contains(tag[1]))
            throw new ArgumentException($"'{tag}' is not a node tag (two characters of {Alphabet}).", nameof(nodeTag));
        var ms = (ulong)(now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        var seq = (ulong)Interlocked.Increment(ref s_counter) & 0x3FFF_FFFF; // 30 bits: unique within a millisecond
        Span<char> id = stackalloc char[18];
        for (var i = 9; i >= 0; i--) { id[i] = Alphabet[(int)(ms & 31)]; ms >>= 5; }
        id[10] = tag[0];
        id[11] = tag[1];
        for (var i = 17; i >= 12; i--) { id[i] = Alphabet[(int)(seq & 31)]; seq >>= 5; }
        return new string(id);
    }

    /// <summary>The moment the id was made (to the millisecond): when the message it names was accepted.</summary>
    public static bool TryGetTime(string? id, out DateTime utc)
    {
        utc = default;
        if (!IsValid(id)) return false;
        long ms = 0;
        for (var i = 0; i < 10; i++) ms = (ms << 5) | (long)Alphabet.IndexOf(id![i]);
        if (ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return false;
        utc = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
        return true;
    }

    /// <summary>
    /// The two characters a node puts in its queue ids: 10 bits of the SHA-256 of its name (case-insensitive,
    /// as host names are), so the same name always gives the same tag, before and after a restart.
    /// </summary>
    public static string NodeTag(string nodeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(nodeName.Trim().ToLowerInvariant()));
        int bits = (hash[0] << 2) | (hash[1] >> 6);
        return new string([Alphabet[bits >> 5], Alphabet[bits & 31]]);
    }

    /// <summary>True when <paramref name="id"/> has the shape of a queue id (guards file names built from user input).</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 18) return false;
        foreach (var c in id)
            if (!Alphabet.Contains(c)) return false;
        return true;
    }
}
