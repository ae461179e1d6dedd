using GovGateway.Archive.Tests.Support;
using static GovGateway.Archive.Tests.Support.Corpus;

namespace GovGateway.Archive.Tests;

/// <summary>
/// What every archive store must do, run against the embedded store (files, LiteDB, Lucene) and against a real
/// PostgreSQL 15 with unaccent: folded Vietnamese search, exact phrases, symbols, filters, verified reads, the register,
/// retention and hold, idempotent storing.
/// </summary>
[TestFixture("embedded")]
[TestFixture("postgres")]
[NonParallelizable]
public sealed class ArchiveContractTests(string store)
{
    private PostgresCluster? _pg;
    private ArchiveUnderTest _under = null!;
    private IDocumentArchive Archive => _under.Archive;

    [OneTimeSetUp]
    public async Task StartStore()
    {
        if (store == "postgres") _pg = await PostgresCluster.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopStore()
    {
        if (_pg is not null) await _pg.DisposeAsync();
    }

    [SetUp]
    public async Task OpenWithCorpus()
    {
        _under = store == "postgres" ? await ArchiveUnderTest.PostgresAsync(_pg!) : ArchiveUnderTest.Embedded();
        foreach (var sample in All) await _under.StoreAsync(sample);
    }

    [TearDown]
    public async Task Close() => await _under.DisposeAsync();

    private List<string> Ids(ArchiveQuery q) => Archive.Search(q).Hits.Select(h => h.Document.Id).OrderBy(i => i).ToList();
    private static List<string> IdsOf(params Sample[] samples) => samples.Select(s => s.Id).OrderBy(i => i).ToList();

    [Test]
    public void Words_without_diacritics_find_the_text_with_them()
    {
        var result = Archive.Search(new ArchiveQuery { Text = "chuyen doi so" });
        Assert.That(result.Hits.Select(h => h.Document.Id), Is.EquivalentTo(IdsOf(Invitation, Letter, Report)));
        Assert.That(result.Total, Is.EqualTo(3));
        var invitation = result.Hits.Single(h => h.Document.Id == Invitation.Id);
        Assert.That(invitation.Score, Is.GreaterThan(0));
        Assert.That(invitation.Passages, Has.Some.Contains("\u0002chuyển\u0003 \u0002đổi\u0003 \u0002số\u0003"),
            "the passage shows the text as written, the matched words marked");
        Assert.That(invitation.Document.FileName, Is.EqualTo("45-GM-STTTT.pdf"));
        Assert.That(invitation.Document.Exchanges.Single().QueueId, Is.EqualTo("Q-INV"));
    }

    [Test]
    public void A_document_typed_in_NFD_is_found_by_an_NFC_query_and_d_stands_for_đ()
    {
        Assert.That(Ids(new ArchiveQuery { Text = "Đề án" }), Is.EqualTo(IdsOf(Letter)), "NFC query, NFD text");
        Assert.That(Ids(new ArchiveQuery { Text = "de an" }), Is.EqualTo(IdsOf(Letter)), "đ as d");
        Assert.That(Ids(new ArchiveQuery { Text = "DUONG GIAO THONG" }), Is.EqualTo(IdsOf(Letter)), "case folded");
        Assert.That(Ids(new ArchiveQuery { Text = "đường".Normalize(System.Text.NormalizationForm.FormD) }), Is.EqualTo(IdsOf(Letter)), "NFD query");
        Assert.That(Ids(new ArchiveQuery { Text = "quyết định văn thư" }), Is.EqualTo(IdsOf(Decision)));
        Assert.That(Ids(new ArchiveQuery { Text = "khong co tu nay" }), Is.Empty);
    }

    [Test]
    public void A_quoted_phrase_matches_only_where_its_words_stand_together()
    {
        Assert.That(Ids(new ArchiveQuery { Text = "\"chuyển đổi số\"" }), Is.EqualTo(IdsOf(Invitation, Report)),
            "the công văn has chuyển, đổi and số only apart");
        Assert.That(Ids(new ArchiveQuery { Text = "\"chuyen doi so\" hoi nghi" }), Is.EqualTo(IdsOf(Invitation)));
        Assert.That(Ids(new ArchiveQuery { Text = "\"so chuyen doi\"" }), Is.Empty, "the words in another order");
        var letter = Archive.Search(new ArchiveQuery { Text = "\"báo cáo số liệu\"" }).Hits.Single();
        Assert.That(letter.Document.Id, Is.EqualTo(Letter.Id));
        Assert.That(letter.Passages, Has.Some.Contains("\u0002"), "an NFD text is highlighted too");
    }

    [Test]
    public void A_symbol_finds_by_number_and_notation_or_by_notation()
    {
        Assert.That(Ids(new ArchiveQuery { Symbol = "45/GM-STTTT" }), Is.EqualTo(IdsOf(Invitation, SameNumber)));
        Assert.That(Ids(new ArchiveQuery { Symbol = "GM-STTTT" }), Is.EqualTo(IdsOf(Invitation, SameNumber)));
        Assert.That(Ids(new ArchiveQuery { Symbol = "48/BC-STTTT" }), Is.EqualTo(IdsOf(Report)));
        Assert.That(Ids(new ArchiveQuery { Symbol = "15/qd-bnv" }), Is.EqualTo(IdsOf(Decision)), "QĐ typed without its đ, in lower case");
        Assert.That(Ids(new ArchiveQuery { Symbol = "46/GM-STTTT" }), Is.Empty);
        Assert.That(Ids(new ArchiveQuery { Issuer = "STTTT" }), Is.EqualTo(IdsOf(Invitation, SameNumber, Report)), "the issuer part of the notation");
    }

    [Test]
    public void Metadata_filters_narrow_the_search()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Ids(new ArchiveQuery { Type = "giay moi" }), Is.EqualTo(IdsOf(Invitation, SameNumber)));
            Assert.That(Ids(new ArchiveQuery { Type = "Quyết định" }), Is.EqualTo(IdsOf(Decision)));
            Assert.That(Ids(new ArchiveQuery { Issuer = "bộ nội vụ" }), Is.EqualTo(IdsOf(Decision)));
            Assert.That(Ids(new ArchiveQuery { Issuer = "UBND" }), Is.EqualTo(IdsOf(Letter)), "a công văn's notation starts with its issuer");
            Assert.That(Ids(new ArchiveQuery { Signer = "nguyen van an" }), Is.EqualTo(IdsOf(Invitation, Report)));
            Assert.That(Ids(new ArchiveQuery { Signed = true }), Is.EqualTo(IdsOf(Invitation, Decision)));
            Assert.That(Ids(new ArchiveQuery { Signed = false }), Is.EqualTo(IdsOf(Letter, SameNumber, Report)));
            Assert.That(Ids(new ArchiveQuery { Urgent = true }), Is.EqualTo(IdsOf(Invitation)));
            Assert.That(Ids(new ArchiveQuery { Class = "Decision" }), Is.EqualTo(IdsOf(Decision)));
            Assert.That(Ids(new ArchiveQuery { SinceUtc = Utc(2026, 3, 1), UntilUtc = Utc(2026, 4, 1) }), Is.EqualTo(IdsOf(Invitation, SameNumber)));
            Assert.That(Ids(new ArchiveQuery { SinceUtc = T2 }), Is.EqualTo(IdsOf(Letter, Report)), "since is inclusive");
            Assert.That(Ids(new ArchiveQuery { UntilUtc = T3 }), Is.Empty, "until is exclusive");
            Assert.That(Ids(new ArchiveQuery { Text = "chuyen doi so", Issuer = "STTTT", Signed = false }), Is.EqualTo(IdsOf(Report)));
        });
    }

    [Test]
    public void Without_text_the_newest_come_first_and_pages_add_up()
    {
        var all = Archive.Search(new ArchiveQuery());
        Assert.That(all.Total, Is.EqualTo(5));
        Assert.That(all.Hits.Select(h => h.Document.Id), Is.EqualTo(new[] { Report.Id, Letter.Id, SameNumber.Id, Invitation.Id, Decision.Id }));
        var second = Archive.Search(new ArchiveQuery { Limit = 2, Offset = 2 });
        Assert.That(second.Total, Is.EqualTo(5));
        Assert.That(second.Hits.Select(h => h.Document.Id), Is.EqualTo(new[] { SameNumber.Id, Invitation.Id }));
        Assert.That(Archive.Search(new ArchiveQuery { Limit = 2, Offset = 10 }).Total, Is.EqualTo(5));
        Assert.That(all.Hits.All(h => h.Passages.Count == 0));
    }

    [Test]
    public async Task Get_returns_the_identical_bytes_and_refuses_them_once_changed()
    {
        using (var stream = Archive.OpenVerified(Invitation.Id[..8]))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(Invitation.Bytes));
        }
        await _under.TamperAsync(Invitation.Id);
        var ex = Assert.Throws<ArchiveIntegrityException>(() => Archive.OpenVerified(Invitation.Id))!;
        Assert.That(ex.Id, Is.EqualTo(Invitation.Id));
        Assert.That(ex.ActualSha256, Is.Not.EqualTo(Invitation.Id).And.Length.EqualTo(64));
        Assert.That(ex.Message, Does.Contain("đã bị thay đổi").And.Contain("has been changed"));
        Assert.That(Archive.OpenVerified(Letter.Id), Is.Not.Null, "other documents are still served");
    }

    [Test]
    public void Find_takes_a_prefix_and_refuses_what_cannot_be_an_id()
    {
        var doc = Archive.Find(Decision.Id[..10].ToUpperInvariant());
        Assert.That(doc!.Id, Is.EqualTo(Decision.Id));
        Assert.That(doc.Document.CodeNotation, Is.EqualTo("QĐ-BNV"));
        Assert.That(doc.Document.SignerInfo!.FullName, Is.EqualTo("Lê Văn Cường"));
        Assert.That(doc.Signatures.Single().Status, Is.EqualTo("valid"));
        Assert.That(doc.Exchanges.Single().TimeUtc, Is.EqualTo(T3));
        Assert.That(doc.Exchanges.Single().Recipients, Is.EqualTo(new[] { "vanthu@ubnd.bacninh.gov.vn" }));
        Assert.That(Archive.Find(new string('0', 64)), Is.Null);
        var ex = Assert.Throws<ArchiveException>(() => Archive.Find("abc"))!;
        Assert.That(ex.Message, Does.Contain("không hợp lệ").And.Contain("not valid"));
        Assert.Throws<ArchiveException>(() => Archive.OpenVerified(new string('0', 64)));
    }

    [Test]
    public void The_register_flags_a_number_used_twice_and_lists_the_gaps()
    {
        var register = Archive.Register(2026, null);
        var stttt = register.Issuers.Single(i => i.Issuer == "STTTT");
        Assert.That(stttt.Rows.Select(r => r.Number), Is.EqualTo(new int?[] { 45, 45, 48 }));
        var duplicate = stttt.Duplicates.Single();
        Assert.That((duplicate.CodeNumber, duplicate.CodeNotation), Is.EqualTo(("45", "GM-STTTT")));
        Assert.That(duplicate.Ids, Is.EquivalentTo(new[] { Invitation.Id, SameNumber.Id }));
        Assert.That(stttt.Rows.Where(r => r.Duplicate).Select(r => r.Id), Is.EquivalentTo(new[] { Invitation.Id, SameNumber.Id }));
        Assert.That(stttt.Gaps, Is.EqualTo(new[] { 46, 47 }));
        Assert.That(stttt.OrganName, Is.EqualTo("Sở Thông tin và Truyền thông"));
        Assert.That(register.Issuers.Select(i => i.Issuer), Is.EquivalentTo(new[] { "STTTT", "UBND" }), "the 2025 decision is not in 2026");
        Assert.That(Archive.Register(2026, "stttt").Issuers.Single().Issuer, Is.EqualTo("STTTT"));
        Assert.That(Archive.Register(2025, null).Issuers.Single().Rows.Single().Id, Is.EqualTo(Decision.Id));
    }

    [Test]
    public void Purge_removes_what_is_due_keeps_what_is_held_and_a_dry_run_removes_nothing()
    {
        var retention = new ArchiveRetention { DefaultDays = 365, PerClass = new(StringComparer.OrdinalIgnoreCase) { ["invitation"] = 200 } };
        var now = Utc(2026, 12, 1);
        Archive.Hold(SameNumber.Id, "Thanh tra năm 2026", "auditor");
        Assert.That(Archive.Find(SameNumber.Id)!.Hold!.Reason, Is.EqualTo("Thanh tra năm 2026"));
        Assert.That(Archive.Stats().Held, Is.EqualTo(1));

        var dry = Archive.Purge(retention, now, dryRun: true);
        Assert.That(dry.Removed.Select(r => r.Sha256), Is.EquivalentTo(new[] { Decision.Id, Invitation.Id }));
        Assert.That(dry.KeptHeld, Is.EqualTo(new[] { SameNumber.Id }));
        Assert.That(Archive.Stats().Documents, Is.EqualTo(5), "a dry run removes nothing");
        Assert.That(Archive.Find(Decision.Id), Is.Not.Null);

        var real = Archive.Purge(retention, now, dryRun: false);
        var removed = real.Removed.Single(r => r.Sha256 == Decision.Id);
        Assert.That((removed.Document.CodeNotation, removed.Size, removed.LastExchangeUtc), Is.EqualTo(("QĐ-BNV", (long)Decision.Bytes.Length, T3)));
        Assert.That(real.Removed.Select(r => r.Sha256), Is.EquivalentTo(new[] { Decision.Id, Invitation.Id }));
        Assert.That(Archive.Find(Decision.Id), Is.Null);
        Assert.That(Archive.Find(Invitation.Id), Is.Null);
        Assert.Throws<ArchiveException>(() => Archive.OpenVerified(Decision.Id));
        Assert.That(Ids(new ArchiveQuery { Text = "van thu" }), Is.Empty, "gone from the index too");
        Assert.That(Ids(new ArchiveQuery()), Is.EqualTo(IdsOf(Letter, SameNumber, Report)));
        Assert.That((Archive.Stats().Documents, Archive.Stats().Exchanges), Is.EqualTo((3L, 3L)));

        Archive.ReleaseHold(SameNumber.Id, "auditor");
        Assert.That(Archive.Stats().Held, Is.Zero);
        Assert.Throws<ArchiveException>(() => Archive.ReleaseHold(SameNumber.Id, "auditor"), "no hold left to release");
        Assert.That(Archive.Purge(retention, now, dryRun: false).Removed.Single().Sha256, Is.EqualTo(SameNumber.Id));
        Assert.That(Archive.Purge(new ArchiveRetention(), now.AddYears(50), dryRun: false).Removed, Is.Empty, "no retention keeps forever");
    }

    [Test]
    public async Task Storing_the_same_exchange_again_changes_nothing_and_a_new_exchange_is_added()
    {
        var before = Archive.Stats();
        Assert.That(await Archive.StoreAsync(Invitation.Item, new MemoryStream(Invitation.Bytes)), Is.False);
        var after = Archive.Stats();
        Assert.That((after.Documents, after.Exchanges, after.Bytes), Is.EqualTo((before.Documents, before.Exchanges, before.Bytes)));
        Assert.That(Archive.Find(Invitation.Id)!.Exchanges, Has.Count.EqualTo(1));

        var forwarded = Exchange("Q-FWD", Utc(2026, 6, 1), "outbound");
        Assert.That(await Archive.StoreAsync(new ArchiveItem { Document = Invitation.Item.Document, Text = Invitation.Item.Text, Exchange = forwarded }, new MemoryStream(Invitation.Bytes)), Is.False);
        var doc = Archive.Find(Invitation.Id)!;
        Assert.That(doc.Exchanges.Select(e => e.QueueId), Is.EqualTo(new[] { "Q-INV", "Q-FWD" }));
        Assert.That(doc.LastExchangeUtc, Is.EqualTo(Utc(2026, 6, 1)));
        Assert.That(Archive.Stats().Documents, Is.EqualTo(before.Documents));
        Assert.That(Ids(new ArchiveQuery { SinceUtc = Utc(2026, 5, 20) }), Is.EqualTo(IdsOf(Invitation)), "found by its new exchange");
        Assert.That(Archive.Search(new ArchiveQuery()).Hits[0].Document.Id, Is.EqualTo(Invitation.Id), "now the newest");
        Assert.That(Archive.List(Utc(2026, 5, 20), null).Select(d => d.Id), Is.EqualTo(new[] { Invitation.Id }));
    }

    [Test]
    public void Bytes_that_do_not_hash_to_the_given_id_are_refused()
    {
        var item = new ArchiveItem
        {
            Document = new ArchivedDocument { Id = Letter.Id, Class = "official-letter" },
            Text = "x",
            Exchange = Exchange("Q-BAD", T2, "inbound"),
        };
        var ex = Assert.ThrowsAsync<ArchiveIntegrityException>(() => Archive.StoreAsync(item, new MemoryStream([1, 2, 3])))!;
        Assert.That(ex.Message, Does.Contain("không lưu trữ").And.Contain("not archived"));
        Assert.That(Archive.Stats().Exchanges, Is.EqualTo(5));
        Assert.ThrowsAsync<ArchiveException>(() => Archive.StoreAsync(new ArchiveItem { Document = new(), Exchange = new ArchiveExchange { QueueId = "Q", TimeUtc = T1, Direction = "sideways" } }, new MemoryStream([1])));
    }

    [Test]
    public void List_gives_the_documents_exchanged_in_a_period_oldest_first_and_survives_a_reopen()
    {
        Assert.That(Archive.List(Utc(2026, 1, 1), Utc(2026, 4, 2)).Select(d => d.Id), Is.EqualTo(new[] { Invitation.Id, SameNumber.Id, Letter.Id }));
        _under.Reopen();
        Assert.That(Archive.List(null, null).Count(), Is.EqualTo(5));
        Assert.That(Ids(new ArchiveQuery { Text = "chuyen doi so" }), Is.EqualTo(IdsOf(Invitation, Letter, Report)));
        var stats = Archive.Stats();
        Assert.That((stats.Documents, stats.Exchanges, stats.Bytes), Is.EqualTo((5L, 5L, All.Sum(s => (long)s.Bytes.Length))));
        Assert.That(stats.IndexBytes, Is.GreaterThan(0));
    }
}
