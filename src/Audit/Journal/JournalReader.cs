using Microsoft.Extensions.Logging;

namespace GovGateway.Audit;

/// <summary>Reads the journal segments left by a previous run, for replay into LiteDB.</summary>
internal static class JournalReader
{
    /// <summary>Segment files in sequence order.</summary>
    public static List<string> Segments(string journalDir) =>
        Directory.Exists(journalDir)
            ? Directory.GetFiles(journalDir, "*" + JournalFormat.Extension).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Every whole entry of every segment, ordered by sequence number, first copy of a number winning.
    /// A segment is read up to its first incomplete or corrupt entry: after a crash that is the torn last write,
    /// whose caller was never told it was durable.
    /// </summary>
    public static List<JournalRecord> ReadAll(string journalDir, ILogger logger)
    {
        var bySeq = new SortedDictionary<long, JournalRecord>();
        foreach (var path in Segments(journalDir))
            foreach (var record in ReadSegment(path, logger))
                bySeq.TryAdd(record.Seq, record);
        return bySeq.Values.ToList();
    }

    /// <summary>The whole entries of one segment, in file order.</summary>
    public static List<JournalRecord> ReadSegment(string path, ILogger logger)
    {
        var records = new List<JournalRecord>();
        {
            byte[] data = File.ReadAllBytes(path);
            int version = JournalFormat.VersionOf(data);
            if (version == 0)
            {
                if (data.Length > 0)
                    logger.LogWarning("Audit journal segment {Segment} has no valid header ({Bytes} bytes); ignored", path, data.Length);
                return records;
            }
            int offset = JournalFormat.MagicSize;
            while (offset < data.Length)
            {
                if (!JournalFormat.TryRead(data.AsSpan(offset), version, out long seq, out var payload, out int consumed))
                {
                    logger.LogWarning("Audit journal segment {Segment}: {Bytes} bytes after offset {Offset} are a torn or corrupt entry; ignored",
                        path, data.Length - offset, offset);
                    break;
                }
                records.Add(new JournalRecord(seq, payload.ToArray()));
                offset += consumed;
            }
        }
        return records;
    }
}
