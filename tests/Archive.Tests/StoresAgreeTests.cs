using GovGateway.Archive.Tests.Support;
using static GovGateway.Archive.Tests.Support.Corpus;

namespace GovGateway.Archive.Tests;

/// <summary>The same documents, the same queries: the embedded store and PostgreSQL return the same hits, in the same order where the order is by time, with the same passages.</summary>
[TestFixture, NonParallelizable]
public sealed class StoresAgreeTests
{
    private PostgresCluster _pg = null!;

    [OneTimeSetUp]
    public async Task StartPostgres() => _pg = await PostgresCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_pg is not null) await _pg.DisposeAsync();
    }

    private static IEnumerable<ArchiveQuery> Queries() =>
    [
        new(), new() { Text = "chuyen doi so" }, new() { Text = "\"chuyển đổi số\"" }, new() { Text = "Đề án" },
        new() { Text = "so lieu" }, new() { Text = "\"bao cao so lieu\"" }, new() { Text = "thong tin" },
        new() { Symbol = "45/GM-STTTT" }, new() { Symbol = "GM-STTTT" }, new() { Symbol = "15/QĐ-BNV" }, new() { Issuer = "STTTT" },
        new() { Issuer = "ủy ban nhân dân" }, new() { Signer = "Nguyễn Văn An" }, new() { Type = "Báo cáo" },
        new() { Signed = true }, new() { Urgent = false }, new() { Class = "invitation" },
        new() { SinceUtc = Utc(2026, 3, 16), UntilUtc = Utc(2026, 5, 1) }, new() { Text = "moi", Limit = 1, Offset = 1 },
        new() { Text = "chuyen doi so", SinceUtc = Utc(2026, 1, 1), Signed = false },
    ];

    [Test]
    public async Task Both_stores_answer_every_query_alike()
    {
        await using var embedded = ArchiveUnderTest.Embedded();
        await using var postgres = await ArchiveUnderTest.PostgresAsync(_pg);
        foreach (var sample in All)
        {
            await embedded.StoreAsync(sample);
            await postgres.StoreAsync(sample);
        }
        int compared = 0;
        foreach (var q in Queries())
        {
            var a = embedded.Archive.Search(q);
            var b = postgres.Archive.Search(q);
            var what = $"query text={q.Text} symbol={q.Symbol} issuer={q.Issuer} signer={q.Signer} type={q.Type} signed={q.Signed} urgent={q.Urgent} class={q.Class} since={q.SinceUtc} until={q.UntilUtc}";
            Assert.That(b.Total, Is.EqualTo(a.Total), what);
            // Relevance is computed differently (Lucene's BM25-like scoring, ts_rank), so ranked results are compared as sets
            // unless a page was asked for; without text both order by the newest exchange.
            if (string.IsNullOrEmpty(q.Text))
                Assert.That(b.Hits.Select(h => h.Document.Id), Is.EqualTo(a.Hits.Select(h => h.Document.Id)), what);
            else if (q.Offset == 0)
                Assert.That(b.Hits.Select(h => h.Document.Id), Is.EquivalentTo(a.Hits.Select(h => h.Document.Id)), what);
            foreach (var hit in a.Hits)
            {
                var other = b.Hits.SingleOrDefault(h => h.Document.Id == hit.Document.Id);
                if (other is null) continue;
                Assert.That(other.Passages, Is.EqualTo(hit.Passages), what);
                Assert.That(other.Document.Exchanges.Select(e => (e.QueueId, e.TimeUtc, e.Direction)), Is.EqualTo(hit.Document.Exchanges.Select(e => (e.QueueId, e.TimeUtc, e.Direction))), what);
                Assert.That(other.Document.Document.Subject, Is.EqualTo(hit.Document.Document.Subject), what);
                compared++;
            }
        }
        Assert.That(compared, Is.GreaterThan(30), "the queries found documents to compare");
        var ra = embedded.Archive.Register(2026, null);
        var rb = postgres.Archive.Register(2026, null);
        Assert.That(rb.Issuers.Select(i => (i.Issuer, string.Join(",", i.Rows.Select(r => r.Id)), string.Join(",", i.Gaps))),
            Is.EqualTo(ra.Issuers.Select(i => (i.Issuer, string.Join(",", i.Rows.Select(r => r.Id)), string.Join(",", i.Gaps)))));
    }
}
