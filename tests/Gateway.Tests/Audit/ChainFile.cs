using System.Text.Json.Nodes;
using GovGateway.Audit;
using LiteDB;

namespace Gateway.Tests.Audit;

/// <summary>
/// A closed log's chain as an intruder with the file reaches it: through LiteDB, editing the stored text of entries
/// inside their chunk documents. Entries are found by the number in their text, wherever they are stored.
/// </summary>
internal sealed class ChainFile : IDisposable
{
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _chain;

    public ChainFile(TempFolder dir)
    {
        _db = new LiteDatabase(new ConnectionString { Filename = AuditLog.DatabasePath(dir.Path), Connection = ConnectionType.Direct });
        _chain = _db.GetCollection(AuditStore.ChainCollection);
    }

    public LiteDatabase Database => _db;

    /// <summary>Every stored entry, in stored order.</summary>
    public List<AuditEntry> Entries() => EntriesOf(_db);

    public static List<AuditEntry> EntriesOf(LiteDatabase db) =>
        db.GetCollection(AuditStore.ChainCollection).FindAll().SelectMany(d => d["Entries"].AsArray).Select(v => EntryCodec.Parse(v.AsString)).ToList();

    public string Text(long seq) => Locate(seq).Array[Locate(seq).Index].AsString;

    public AuditEntry Entry(long seq) => EntryCodec.Parse(Text(seq));

    /// <summary>Changes entry <paramref name="seq"/>'s JSON (field names as stored: "transaction", "Decision", ...).</summary>
    public void Edit(long seq, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(Text(seq))!;
        change(node);
        Replace(seq, node.ToJsonString());
    }

    public void Replace(long seq, string text) => Change(seq, (array, i) => array[i] = text);

    public void Delete(long seq) => Change(seq, (array, i) => array.RemoveAt(i));

    /// <summary>Puts <paramref name="text"/> right before entry <paramref name="seq"/> in its chunk.</summary>
    public void InsertBefore(long seq, string text) => Change(seq, (array, i) => array.Insert(i, text));

    /// <summary>Stores texts as a chunk document of their own (its _id taken from the last one's number).</summary>
    public void AddChunk(params string[] texts)
    {
        var last = EntryCodec.Parse(texts[^1]).Id;
        var first = EntryCodec.Parse(texts[0]).Id;
        _chain.Insert(new BsonDocument { ["_id"] = last, ["First"] = first, ["Entries"] = new BsonArray(texts.Select(t => new BsonValue(t))) });
    }

    private void Change(long seq, Action<BsonArray, int> change)
    {
        var (doc, array, index) = Locate(seq);
        change(array, index);
        doc["Entries"] = array;
        _chain.Update(doc);
    }

    private (BsonDocument Doc, BsonArray Array, int Index) Locate(long seq)
    {
        foreach (var doc in _chain.FindAll())
        {
            var array = doc["Entries"].AsArray;
            for (int i = 0; i < array.Count; i++)
                if (EntryCodec.TryParse(array[i].AsString)?.Id == seq) return (doc, array, i);
        }
        throw new InvalidOperationException($"No stored entry {seq}.");
    }

    public void Dispose()
    {
        _db.Checkpoint();
        _db.Dispose();
    }
}
