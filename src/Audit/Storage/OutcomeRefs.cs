using LiteDB;

namespace GovGateway.Audit;

/// <summary>
/// The delivery outcomes of one lookup block's run of chain numbers that are stored neither with their transaction nor
/// in the chunk right after it: their queue ids and numbers, as one document of the "outcome_refs" collection
/// (<c>{_id: block number, Queues: [...], Seqs: [...]}</c>). The block's Bloom filter also gets the queue id
/// (<see cref="LookupKeys.Outcome"/>), so a query reads only the documents of blocks that may hold an outcome it wants.
/// This replaced one document per outcome with two LiteDB indexes (number and queue id), the largest part of LiteDB's
/// cost per message when deliveries lag their transactions by more than a flush interval.
/// </summary>
internal sealed class OutcomeRefs
{
    public const string Collection = "outcome_refs";

    private OutcomeRefs(long number, List<string> queues, List<long> seqs)
    {
        Number = number;
        Queues = queues;
        Seqs = seqs;
    }

    public static OutcomeRefs Empty(long number) => new(number, [], []);

    /// <summary>The lookup block these references are in.</summary>
    public long Number { get; }
    public List<string> Queues { get; }
    public List<long> Seqs { get; }

    public void Add(string queue, long seq)
    {
        Queues.Add(queue);
        Seqs.Add(seq);
    }

    /// <summary>Numbers of the referenced outcomes of <paramref name="queue"/>.</summary>
    public IEnumerable<long> Of(string queue)
    {
        for (int i = 0; i < Queues.Count && i < Seqs.Count; i++)
            if (string.Equals(Queues[i], queue, StringComparison.Ordinal)) yield return Seqs[i];
    }

    public BsonDocument ToDocument() => new()
    {
        ["_id"] = Number,
        ["Queues"] = new BsonArray(Queues.Select(q => new BsonValue(q))),
        ["Seqs"] = new BsonArray(Seqs.Select(s => new BsonValue(s))),
    };

    /// <summary>The references a document holds; what is not a reference (edited by hand) is left out.</summary>
    public static OutcomeRefs FromDocument(BsonDocument doc)
    {
        var queues = doc["Queues"] is { IsArray: true } q ? q.AsArray.Select(v => v.IsString ? v.AsString : "").ToList() : [];
        var seqs = doc["Seqs"] is { IsArray: true } s ? s.AsArray.Select(v => v.IsNumber ? v.AsInt64 : 0).ToList() : [];
        return new OutcomeRefs(doc["_id"].IsNumber ? doc["_id"].AsInt64 : -1, queues, seqs);
    }
}
