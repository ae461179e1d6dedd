using System.Security.Cryptography;

namespace GovGateway.Spool;

/// <summary>
/// Generates queue ids that sort by arrival time: 10 Crockford base32 characters of Unix milliseconds
/// followed by 8 characters of a per-process counter seeded randomly, so ids stay unique across
/// restarts and concurrent sessions and `ls` shows the queue in arrival order.
/// </summary>
public static class QueueId
{
    const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static long s_counter = RandomNumberGenerator.GetInt32(int.MaxValue);

    public static string New(DateTimeOffset? now = null)
    {
        var ms = (ulong)(now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        var seq = (ulong)Interlocked.Increment(ref s_counter) & 0xFF_FFFF_FFFF; // 40 bits
        Span<char> id = stackalloc char[18];
        for (var i = 9; i >= 0; i--) { id[i] = Alphabet[(int)(ms & 31)]; ms >>= 5; }
        for (var i = 17; i >= 10; i--) { id[i] = Alphabet[(int)(seq & 31)]; seq >>= 5; }
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

    /// <summary>True when <paramref name="id"/> has the shape of a queue id (guards file names built from user input).</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 18) return false;
        foreach (var c in id)
            if (!Alphabet.Contains(c)) return false;
        return true;
    }
}
