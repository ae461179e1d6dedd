using GovGateway.Archive.Core;
using GovGateway.Archive.Text;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace GovGateway.Archive.Embedded;

/// <summary>
/// The embedded store's search index (one Lucene document per archived document): the text under the Vietnamese
/// folding analyzer, the metadata as filter terms, each exchange's time. It holds no text of its own (archive.db does),
/// so it can be rebuilt. Searches see writes at once (near-real-time reader); commits are batched by the caller.
/// </summary>
internal sealed class LuceneIndex : IDisposable
{
    private const string Id = "id", Type = "type", NotationField = "notation", Number = "number", Issuer = "issuer",
        Signer = "signer", Class = "class", Signed = "signed", Urgent = "urgent", Time = "time", Last = "last";

    private readonly LuceneDirectory _dir;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;

    public LuceneIndex(string path, VietnameseAnalyzer analyzer)
    {
        Path = path;
        _dir = FSDirectory.Open(path);
        _writer = new IndexWriter(_dir, new IndexWriterConfig(VietnameseAnalyzer.Version, analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            RAMBufferSizeMB = 32,
        });
        _searchers = new SearcherManager(_writer, true, null);
    }

    public string Path { get; }

    public void Upsert(ArchivedDocument d, string text, IEnumerable<DateTime> exchangeTimes, DateTime lastUtc)
    {
        var f = FilterValues.Of(d);
        var doc = new Document
        {
            new StringField(Id, d.Id, Field.Store.YES),
            new TextField(Passages.Field, FilterValues.Body(d, text), Field.Store.NO),
            new StringField(Signed, f.Signed ? "1" : "0", Field.Store.NO),
            new StringField(Urgent, f.Urgent ? "1" : "0", Field.Store.NO),
            new NumericDocValuesField(Last, lastUtc.Ticks),
        };
        if (f.Type.Length > 0) doc.Add(new StringField(Type, f.Type, Field.Store.NO));
        if (f.Notation.Length > 0) doc.Add(new StringField(NotationField, f.Notation, Field.Store.NO));
        if (f.Number is { } n) doc.Add(new StringField(Number, n.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.NO));
        if (f.Class.Length > 0) doc.Add(new StringField(Class, f.Class, Field.Store.NO));
        foreach (var w in f.IssuerWords) doc.Add(new StringField(Issuer, w, Field.Store.NO));
        foreach (var w in f.SignerWords) doc.Add(new StringField(Signer, w, Field.Store.NO));
        foreach (var t in exchangeTimes) doc.Add(new Int64Field(Time, t.Ticks, Field.Store.NO));
        _writer.UpdateDocument(new Term(Id, d.Id), doc);
    }

    public void Delete(string id) => _writer.DeleteDocuments(new Term(Id, id));

    public void Commit()
    {
        _writer.Commit();
        _searchers.MaybeRefresh();
    }

    /// <summary>The ids of the documents matching, ordered (score, or newest last exchange without text), and how many match in all.</summary>
    public (int Total, List<(string Id, float Score)> Page) Search(Query? text, ArchiveQuery q, QueryFilters filters)
    {
        var filter = new BooleanQuery();
        void Must(string field, string value) => filter.Add(new TermQuery(new Term(field, value)), Occur.MUST);
        if (filters.Type is { } type) Must(Type, type);
        if (filters.Notation is { } notation) Must(NotationField, notation);
        if (filters.Number is { } number) Must(Number, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (filters.Class is { } cls) Must(Class, cls);
        foreach (var w in filters.IssuerWords) Must(Issuer, w);
        foreach (var w in filters.SignerWords) Must(Signer, w);
        if (q.Signed is { } signed) Must(Signed, signed ? "1" : "0");
        if (q.Urgent is { } urgent) Must(Urgent, urgent ? "1" : "0");
        if (q.SinceUtc is not null || q.UntilUtc is not null)
            filter.Add(NumericRangeQuery.NewInt64Range(Time, q.SinceUtc?.Ticks, q.UntilUtc?.Ticks, true, false), Occur.MUST);
        Filter? f = filter.Clauses.Count == 0 ? null : new QueryWrapperFilter(filter);

        _searchers.MaybeRefreshBlocking();
        var searcher = _searchers.Acquire();
        try
        {
            int wanted = q.Offset + q.Limit;
            TopDocs top = text is null
                ? searcher.Search(new MatchAllDocsQuery(), f, wanted, new Sort(new SortField(Last, SortFieldType.INT64, true), new SortField(Id, SortFieldType.STRING)))
                : searcher.Search(text, f, wanted);
            var page = top.ScoreDocs.Skip(q.Offset)
                .Select(sd => (searcher.Doc(sd.Doc).Get(Id), text is null || float.IsNaN(sd.Score) ? 0f : sd.Score))
                .ToList();
            return (top.TotalHits, page);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public long SizeBytes() => new DirectoryInfo(Path).EnumerateFiles().Sum(f => { try { return f.Length; } catch (IOException) { return 0; } });

    public int Count()
    {
        _searchers.MaybeRefreshBlocking();
        var s = _searchers.Acquire();
        try { return s.IndexReader.NumDocs; } finally { _searchers.Release(s); }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _dir.Dispose();
    }
}
