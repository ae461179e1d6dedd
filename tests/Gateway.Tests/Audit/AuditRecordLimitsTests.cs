using GovGateway.Audit;
using NUnit.Framework;
using GovGateway.AuditQueries.Output;

namespace Gateway.Tests.Audit;

[TestFixture]
public class AuditRecordLimitsTests
{
    [Test]
    public void Long_text_and_long_lists_are_cut_and_counted()
    {
        var t = AuditTestData.Accepted("Q1", AuditTestData.T0);
        // The cut falls right after a character outside the BMP: it must not be split.
        t.Subject = new string('a', AuditRecordLimits.MaxText - 2) + "😀" + new string('ạ', 100_000);
        t.Recipients = Enumerable.Range(0, 1500).Select(i => $"r{i}@sotttt.hanoi.gov.vn").ToList();
        t.Attachments = Enumerable.Range(0, 2000).Select(i => new AuditAttachment { Name = new string('x', 1000) + i, Class = "report" }).ToList();
        t.Rules = [new AuditRuleHit { Rule = "r", Message = new string('m', 10_000) }];

        AuditRecordLimits.Apply(t);

        Assert.That(t.Subject, Has.Length.EqualTo(AuditRecordLimits.MaxText - 1));
        Assert.That(t.Subject, Does.EndWith("…").And.StartWith("aaa"));
        Assert.That(t.Subject.Count(char.IsSurrogate), Is.Zero, "the emoji goes whole, not half");
        Assert.That((t.Recipients.Count, t.RecipientsOmitted), Is.EqualTo((AuditRecordLimits.MaxRecipients, 500)));
        Assert.That((t.Attachments.Count, t.AttachmentsOmitted), Is.EqualTo((AuditRecordLimits.MaxAttachments, 1500)));
        Assert.That(t.Attachments.Max(a => a.Name!.Length), Is.EqualTo(AuditRecordLimits.MaxShortText));
        Assert.That(t.Rules.Single().Message, Has.Length.EqualTo(AuditRecordLimits.MaxText));

        var envelope = new List<string> { new string('a', 300) + "@bnv.gov.vn", "b@bnv.gov.vn" };
        var shared = AuditTestData.Accepted("Q3", AuditTestData.T0);
        shared.Recipients = envelope;
        AuditRecordLimits.Apply(shared);
        Assert.That(shared.Recipients[0], Has.Length.EqualTo(AuditRecordLimits.MaxShortText));
        Assert.That(envelope[0], Has.Length.EqualTo(311), "the list the record was given (the envelope's) is not changed");

        var small = AuditTestData.Accepted("Q2", AuditTestData.T0);
        var before = System.Text.Json.JsonSerializer.Serialize(small, AuditJson.Options);
        AuditRecordLimits.Apply(small);
        Assert.That(System.Text.Json.JsonSerializer.Serialize(small, AuditJson.Options), Is.EqualTo(before), "a usual record is left as it is");
    }

    [Test]
    public async Task A_message_of_a_hundred_thousand_parts_is_recorded_and_the_writer_goes_on()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var huge = AuditTestData.Accepted("H1", AuditTestData.T0);
        // Listed in full this record is ~30 MB of text, beyond what LiteDB stores as one document (16 MiB): the writer
        // would retry it forever and hold every later record in the journal.
        huge.Attachments = Enumerable.Range(0, 100_000).Select(i => new AuditAttachment
        {
            Name = $"phu-luc-{i:D6}-bao-cao-tong-hop.pdf", DetectedType = "application/pdf", Size = 120, Sha256 = new string('c', 64),
            Class = "report", Symbol = $"{i}/BC-UBND", SignatureStatus = "valid",
        }).ToList();
        huge.Classes = ["report"];
        await log.AppendAsync(huge);
        await log.AppendAsync(AuditTestData.Accepted("H2", AuditTestData.T0.AddSeconds(1)));
        await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var h1 = log.Query(new AuditQuery { MessageId = "<H1@mail.bnv.gov.vn>" }).Records.Single().Transaction;
        Assert.That((h1.Attachments.Count, h1.AttachmentsOmitted), Is.EqualTo((AuditRecordLimits.MaxAttachments, 99_500)));
        Assert.That(log.Query(new AuditQuery { Class = "report" }).Records.Select(r => r.Transaction.QueueId), Does.Contain("H1"));
        Assert.That(log.Query(new AuditQuery { MessageId = "<H2@mail.bnv.gov.vn>" }).Records, Has.Count.EqualTo(1), "the record after it is stored too");
        Assert.That(log.Verify().Ok, Is.True);

        var csv = new StringWriter();
        AuditFormatter.WriteQuery(csv, log.Query(new AuditQuery { MessageId = "<H1@mail.bnv.gov.vn>" }), "csv");
        Assert.That(csv.ToString(), Does.Contain("... 99500 more not recorded"));
    }
}
