using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

[TestFixture]
public class AuditCrashTests
{
    [Test]
    public async Task Records_acknowledged_but_never_written_to_LiteDB_are_replayed_on_open()
    {
        using var dir = new TempDataDir();
        var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        log.PauseWriter();
        for (int i = 0; i < 25; i++) await log.AppendAsync(AuditTestData.Accepted($"C{i}", AuditTestData.T0.AddSeconds(i)));
        await log.RecordDeliveryAsync(AuditTestData.Delivery("C3", "lanhdao@sotttt.hanoi.gov.vn", "deferred", "421 busy", AuditTestData.T0.AddMinutes(5)));
        Assert.That(log.AppliedSeq, Is.EqualTo(0), "nothing reached LiteDB");
        await log.SimulateCrashAsync();

        await using var reopened = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var result = reopened.Query(new AuditQuery { Limit = 100 });
        Assert.That(result.Records, Has.Count.EqualTo(25));
        Assert.That(result.Records.Single(r => r.Transaction.QueueId == "C3").RecipientStatus.Single().Outcome, Is.EqualTo("deferred"));
        var verify = reopened.Verify();
        Assert.That(verify.Ok, Is.True, verify.Message);
        Assert.That(verify.Checked, Is.EqualTo(26));
    }

    [Test]
    public async Task Replay_is_idempotent_when_LiteDB_already_has_the_entries()
    {
        using var dir = new TempDataDir();
        var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        for (int i = 0; i < 10; i++) await log.AppendAsync(AuditTestData.Accepted($"D{i}", AuditTestData.T0.AddSeconds(i)));
        await log.FlushAsync();
        // Crash after LiteDB committed but before the journal segment was deleted.
        await log.SimulateCrashAsync();
        Assert.That(Directory.GetFiles(Path.Combine(dir.Path, "audit", "journal")), Is.Not.Empty);

        await using var reopened = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        Assert.That(reopened.Query(new AuditQuery()).Records, Has.Count.EqualTo(10));
        Assert.That(reopened.Verify().Checked, Is.EqualTo(10));
    }

    [Test]
    public async Task A_torn_last_entry_is_ignored_and_later_records_continue_the_chain()
    {
        using var dir = new TempDataDir();
        var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        log.PauseWriter();
        for (int i = 0; i < 5; i++) await log.AppendAsync(AuditTestData.Accepted($"T{i}", AuditTestData.T0.AddSeconds(i)));
        await log.SimulateCrashAsync();

        // The crash cut the next entry short: a header promising more bytes than were written.
        var segment = Directory.GetFiles(Path.Combine(dir.Path, "audit", "journal")).Single();
        await using (var f = new FileStream(segment, FileMode.Append))
            f.Write([0x00, 0x10, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03]);

        await using (var reopened = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            Assert.That(reopened.Query(new AuditQuery()).Records, Has.Count.EqualTo(5));
            await reopened.AppendAsync(AuditTestData.Accepted("T5", AuditTestData.T0.AddSeconds(5)));
        }
        await using var again = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        Assert.That(again.Query(new AuditQuery()).Records.Select(r => r.Transaction.QueueId).First(), Is.EqualTo("T5"));
        var verify = again.Verify();
        Assert.That(verify.Ok, Is.True, verify.Message);
        Assert.That(verify.Checked, Is.EqualTo(6));
    }

    [Test]
    public async Task A_corrupted_entry_stops_replay_of_its_segment_without_crashing_open()
    {
        using var dir = new TempDataDir();
        var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        log.PauseWriter();
        for (int i = 0; i < 4; i++) await log.AppendAsync(AuditTestData.Accepted($"K{i}", AuditTestData.T0.AddSeconds(i)));
        await log.SimulateCrashAsync();
        var segment = Directory.GetFiles(Path.Combine(dir.Path, "audit", "journal")).Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^10] ^= 0xFF; // flip a byte inside the last entry's payload
        await File.WriteAllBytesAsync(segment, bytes);

        await using var reopened = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        Assert.That(reopened.Query(new AuditQuery()).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "K2", "K1", "K0" }));
        Assert.That(reopened.Verify().Ok, Is.True);
    }
}
