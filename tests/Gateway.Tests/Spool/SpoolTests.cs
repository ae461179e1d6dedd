using System.Text;
using NUnit.Framework;
using GovGateway.Spool;

namespace Gateway.Tests.Spool;

[TestFixture, CancelAfter(30_000)]
public class SpoolTests
{
    TempFolder _data = null!;

    [SetUp] public void SetUp() => _data = new TempFolder();
    [TearDown] public void TearDown() => _data.Dispose();

    [Test]
    public async Task Commit_moves_bytes_and_envelope_into_the_queue()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        SpoolEntry? raised = null;
        spool.MessageCommitted += e => raised = e;
        var bytes = SpoolTestData.SimpleMessage();
        var envelope = SpoolTestData.Envelope("sender@agency.gov.vn", "a@upstream.test", "b@upstream.test");
        envelope.PrependHeaders.Add("X-GovVN-Class: official");
        envelope.SmtpUtf8 = true;
        envelope.DsnEnvelopeId = "ENV1";

        var entry = await SpoolTestData.CommitAsync(spool, bytes, envelope);

        Assert.That(QueueId.IsValid(entry.QueueId), Is.True);
        Assert.That(Directory.GetFiles(spool.IncomingDir), Is.Empty);
        // One file: the bytes as received, then the envelope sealed behind them.
        var queueFile = File.ReadAllBytes(Path.Combine(spool.QueueDir, entry.QueueId + ".msg"));
        Assert.That(queueFile.Take(bytes.Length), Is.EqualTo(bytes));
        Assert.That(Encoding.UTF8.GetString(queueFile, bytes.Length, queueFile.Length - bytes.Length), Does.Contain("\"ENV1\"").And.EndWith("GGQUEUE1"));
        Assert.That(Directory.GetFiles(spool.QueueDir), Has.Length.EqualTo(1));
        using (var read = entry.OpenMessage())
        using (var copy = new MemoryStream())
        {
            read.CopyTo(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(bytes), "OpenMessage gives the original bytes only");
        }
        Assert.That(raised?.QueueId, Is.EqualTo(entry.QueueId));

        // A second instance (another process, e.g. the CLI) reads the same message back.
        var reread = new GovGateway.Spool.Spool(_data.Path).Get(entry.QueueId)!;
        Assert.That(reread.Envelope.MailFrom, Is.EqualTo("sender@agency.gov.vn"));
        Assert.That(reread.Envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "a@upstream.test", "b@upstream.test" }));
        Assert.That(reread.Envelope.Recipients[0].Status, Is.EqualTo(RecipientStatus.Pending));
        Assert.That(reread.Envelope.PrependHeaders, Is.EqualTo(new[] { "X-GovVN-Class: official" }));
        Assert.That(reread.Envelope.SmtpUtf8, Is.True);
        Assert.That(reread.Envelope.DsnEnvelopeId, Is.EqualTo("ENV1"));
        Assert.That(reread.Size, Is.EqualTo(bytes.Length));
        Assert.That(reread.Envelope.ReceivedUtc, Is.Not.EqualTo(default(DateTime)));
    }

    [Test]
    public void Writer_disposed_without_commit_leaves_nothing()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        string path;
        using (var writer = spool.BeginMessage())
        {
            writer.Write(SpoolTestData.SimpleMessage());
            path = writer.FilePath;
            using var read = writer.OpenRead();
            Assert.That(read.Length, Is.GreaterThan(0), "the policy can read what was written so far");
        }
        Assert.That(File.Exists(path), Is.False);
        Assert.That(spool.List(), Is.Empty);
    }

    [Test]
    public async Task Queue_ids_are_unique_and_sort_by_arrival()
    {
        var earlier = QueueId.New(DateTimeOffset.UtcNow.AddSeconds(-1));
        var ids = Enumerable.Range(0, 2000).Select(_ => QueueId.New()).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids.All(id => string.CompareOrdinal(earlier, id) < 0), Is.True);
        Assert.That(QueueId.IsValid("../../etc/passwd"), Is.False);

        var spool = new GovGateway.Spool.Spool(_data.Path);
        var first = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@x.vn", "b@y.vn"));
        await Task.Delay(5);
        var second = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@x.vn", "b@y.vn"));
        Assert.That(spool.List().Select(e => e.QueueId), Is.EqualTo(new[] { first.QueueId, second.QueueId }));
    }

    [Test]
    public async Task Fifty_concurrent_commits_all_become_durable_with_grouped_directory_syncs()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var tasks = Enumerable.Range(0, 50).Select(i => Task.Run(() =>
            SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage("m" + i), SpoolTestData.Envelope("a@x.vn", $"r{i}@y.vn")))).ToList();
        var entries = await Task.WhenAll(tasks);
        Assert.That(entries.Select(e => e.QueueId).Distinct().Count(), Is.EqualTo(50));
        Assert.That(spool.List().Count(), Is.EqualTo(50));
        Assert.That(Directory.GetFiles(spool.IncomingDir), Is.Empty);
    }

    [Test]
    public void Directory_fsync_works_on_a_directory_and_reports_errors()
    {
        Assert.DoesNotThrow(() => GovGateway.FileSystem.Fsync.Path(_data.Path));
        if (!OperatingSystem.IsWindows())
            Assert.Throws<IOException>(() => GovGateway.FileSystem.Fsync.Path(Path.Combine(_data.Path, "missing")));
    }

    [Test]
    public async Task Update_delete_and_retry_marker()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var entry = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@x.vn", "b@y.vn"));

        entry.Envelope.Attempts = 3;
        entry.Envelope.Recipients[0].LastReply = "451 4.3.0 later";
        Assert.That(await spool.UpdateAsync(entry), Is.True);
        Assert.That(spool.Get(entry.QueueId)!.Envelope.Attempts, Is.EqualTo(3));
        Assert.That(spool.Get(entry.QueueId)!.Envelope.Recipients[0].LastReply, Is.EqualTo("451 4.3.0 later"));
        Assert.That(Directory.GetFiles(spool.QueueDir, "*.tmp"), Is.Empty);

        string? retried = null;
        spool.RetryRequested += id => retried = id;
        Assert.That(spool.MarkForRetry(entry.QueueId), Is.True);
        Assert.That(retried, Is.EqualTo(entry.QueueId));
        Assert.That(spool.MarkForRetry("0000000000AAAAAAAA"), Is.False);
        Assert.That(spool.TakeRetryRequests(), Is.EqualTo(new[] { entry.QueueId }));
        Assert.That(spool.TakeRetryRequests(), Is.Empty);

        Assert.That(spool.Delete(entry.QueueId), Is.True);
        Assert.That(spool.Get(entry.QueueId), Is.Null);
        Assert.That(Directory.GetFiles(spool.QueueDir), Is.Empty);
        // A delivery that finishes after an administrator deleted the message must not resurrect it.
        Assert.That(await spool.UpdateAsync(entry), Is.False);
        Assert.That(Directory.GetFiles(spool.QueueDir), Is.Empty);
    }

    [Test]
    public async Task A_removed_message_file_is_emptied_and_reused_for_the_next_message()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var first = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage("first"), SpoolTestData.Envelope("a@x.vn", "b@y.vn"));
        Assert.That(spool.Delete(first.QueueId), Is.True);
        Assert.That(spool.Get(first.QueueId), Is.Null);
        var spares = Directory.GetFiles(Path.Combine(spool.Root, "free"));
        Assert.That(spares, Has.Length.EqualTo(1));
        Assert.That(new FileInfo(spares[0]).Length, Is.Zero, "no delivered bytes linger in free/");
        Assert.That(spool.Delete(first.QueueId), Is.False, "a second delete finds nothing");

        var bytes = SpoolTestData.SimpleMessage("second, shorter");
        var second = await SpoolTestData.CommitAsync(spool, bytes, SpoolTestData.Envelope("a@x.vn", "c@y.vn"));
        Assert.That(Directory.GetFiles(Path.Combine(spool.Root, "free")), Is.Empty, "the spare was taken");
        using var read = second.OpenMessage();
        using var copy = new MemoryStream();
        read.CopyTo(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(bytes));
        Assert.That(new GovGateway.Spool.Spool(_data.Path).Get(second.QueueId)!.Envelope.Recipients.Single().Address, Is.EqualTo("c@y.vn"));
    }

    [Test]
    public void A_queue_from_the_two_file_format_is_converted_and_kept()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var id = QueueId.New();
        var bytes = SpoolTestData.SimpleMessage();
        var envelope = SpoolTestData.Envelope("a@x.vn", "b@y.vn");
        envelope.QueueId = id;
        File.WriteAllBytes(Path.Combine(spool.QueueDir, id + ".eml"), bytes);
        File.WriteAllBytes(Path.Combine(spool.QueueDir, id + ".json"), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(envelope,
            new System.Text.Json.JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }));

        Assert.That(spool.RecoverIncomplete(), Is.EqualTo(0));

        var entry = spool.Get(id)!;
        Assert.That(entry, Is.Not.Null);
        Assert.That(entry.Envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "b@y.vn" }));
        Assert.That(entry.Size, Is.EqualTo(bytes.Length));
        using var read = entry.OpenMessage();
        using var copy = new MemoryStream();
        read.CopyTo(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(bytes));
        Assert.That(File.Exists(Path.Combine(spool.QueueDir, id + ".eml")), Is.False);
    }

    [Test]
    public async Task Recovery_removes_incomplete_files_but_keeps_committed_and_active_ones()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var committed = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@x.vn", "b@y.vn"));
        // Left behind by a crash: a half-received message, a rewritten envelope and a retry marker whose message was
        // deleted halfway, a temp envelope, and a queue file cut short (no envelope at its end).
        var crashedId = QueueId.New();
        File.WriteAllText(Path.Combine(spool.IncomingDir, crashedId + ".eml"), "From: half");
        var orphanId = QueueId.New();
        File.WriteAllText(Path.Combine(spool.QueueDir, orphanId + ".json"), "{}");
        File.WriteAllText(Path.Combine(spool.QueueDir, orphanId + ".retry"), "");
        File.WriteAllText(Path.Combine(spool.QueueDir, committed.QueueId + ".json.tmp"), "{");
        var truncatedId = QueueId.New();
        File.WriteAllText(Path.Combine(spool.QueueDir, truncatedId + ".msg"), "From: no envelope\r\n\r\n");
        // A fresh orphan in queue/ may be another process's change in progress: kept until it is old.
        var freshId = QueueId.New();
        File.WriteAllText(Path.Combine(spool.QueueDir, freshId + ".json"), "{}");
        foreach (var old in new[] { orphanId + ".json", orphanId + ".retry", committed.QueueId + ".json.tmp" })
            File.SetLastWriteTimeUtc(Path.Combine(spool.QueueDir, old), DateTime.UtcNow.AddMinutes(-5));
        using var live = spool.BeginMessage();
        live.Write(SpoolTestData.SimpleMessage());

        Assert.That(spool.Get(orphanId), Is.Null, "an envelope without its message is not a message");
        Assert.That(spool.Get(truncatedId), Is.Null, "a queue file without its envelope is not a message");
        var removed = spool.RecoverIncomplete();

        Assert.That(removed, Is.EqualTo(4));
        Assert.That(File.Exists(live.FilePath), Is.True, "a message being received in this process is kept");
        Assert.That(spool.List().Select(e => e.QueueId), Is.EqualTo(new[] { committed.QueueId }));
        Assert.That(Directory.GetFiles(spool.QueueDir).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { committed.QueueId + ".msg", truncatedId + ".msg", freshId + ".json" }));
    }

    [Test]
    public async Task Commit_failure_surfaces_and_commits_nothing()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        // Break the queue folder so the rename into it fails (works without root, unlike a full disk).
        Directory.Delete(spool.QueueDir);
        File.WriteAllText(spool.QueueDir, "not a directory");
        var writer = spool.BeginMessage();
        await writer.WriteAsync(SpoolTestData.SimpleMessage());

        Assert.ThrowsAsync(Is.InstanceOf<IOException>(), () => spool.CommitAsync(writer, SpoolTestData.Envelope("a@x.vn", "b@y.vn"), CancellationToken.None));
        writer.Dispose();

        Assert.That(Directory.GetFiles(spool.IncomingDir), Is.Empty);
        File.Delete(spool.QueueDir);
        Directory.CreateDirectory(spool.QueueDir);
        Assert.That(spool.List(), Is.Empty);
    }

    [Test]
    public async Task Full_disk_surfaces_as_IOException_and_commits_nothing()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root") Assert.Ignore("needs root to mount a tmpfs");
        var mountPoint = Path.Combine(_data.Path, "tiny");
        Directory.CreateDirectory(mountPoint);
        if ((await ToolRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint])).ExitCode != 0) Assert.Ignore("mount -t tmpfs not permitted here");
        try
        {
            var spool = new GovGateway.Spool.Spool(mountPoint);
            var big = new byte[64 * 1024];
            Array.Fill(big, (byte)'x');
            var writer = spool.BeginMessage();
            var failure = Assert.CatchAsync<IOException>(async () =>
            {
                for (var i = 0; i < 8; i++) await writer.WriteAsync(big);
                await spool.CommitAsync(writer, SpoolTestData.Envelope("a@x.vn", "b@y.vn"), CancellationToken.None);
            });
            Assert.That(failure, Is.Not.Null);
            writer.Dispose();
            Assert.That(spool.List(), Is.Empty);
            Assert.That(Directory.GetFiles(spool.IncomingDir), Is.Empty, "the partial message is removed, freeing the space");
            Assert.That(Directory.GetFiles(spool.QueueDir), Is.Empty);

            // With the space back, the spool works again.
            var ok = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@x.vn", "b@y.vn"));
            Assert.That(spool.Get(ok.QueueId), Is.Not.Null);
        }
        finally
        {
            await ToolRunner.RunAsync("umount", [mountPoint]);
        }
    }
}
