using NUnit.Framework;
using GovGateway.Audit;
using GovGateway.Metrics;

namespace Gateway.Tests.Metrics;

/// <summary>What counting costs each message: nothing allocated once a message's label values have been seen.</summary>
public sealed class MetricsCostTests
{
    [Test]
    public void Counting_a_transaction_allocates_nothing_once_its_labels_are_known()
    {
        var metrics = new GatewayMetrics();
        var transaction = new AuditTransaction
        {
            Listener = "relay",
            Decision = AuditDecisions.Accepted,
            Smime = new AuditSmime { Status = "none" },
            Attachments =
            [
                new AuditAttachment { Class = "invitation", SignatureStatus = "valid" },
                new AuditAttachment { Class = "report" },
            ],
            Rules = [new AuditRuleHit { Rule = "unsigned-invitation", Mode = "enforce" }],
        };
        metrics.Transaction(transaction); // the first time makes the series

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) metrics.Transaction(transaction);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.LessThan(1024), $"{allocated} bytes for 10,000 transactions");
        var page = MetricsPage.Parse(Export(metrics));
        Assert.That(page["govgateway_messages_total{listener=\"relay\",decision=\"accepted\"}"], Is.EqualTo(10_001));
        Assert.That(page["govgateway_documents_total{class=\"invitation\",signature=\"pdf:valid\"}"], Is.EqualTo(10_001));
        Assert.That(page["govgateway_documents_total{class=\"report\",signature=\"unsigned\"}"], Is.EqualTo(10_001));
        Assert.That(page["govgateway_policy_rule_hits_total{rule=\"unsigned-invitation\",mode=\"enforce\"}"], Is.EqualTo(10_001));
    }

    [Test]
    public void A_document_without_a_pdf_signature_carries_the_messages_smime_result()
    {
        var metrics = new GatewayMetrics();
        metrics.Transaction(new AuditTransaction
        {
            Listener = "submission",
            Decision = AuditDecisions.Accepted,
            Smime = new AuditSmime { Status = "valid" },
            Attachments = [new AuditAttachment { Class = "notice" }, new AuditAttachment { Class = "report", SignatureStatus = "untrusted" },
                           new AuditAttachment { Class = "other", Status = "unreadable" }, new AuditAttachment { Name = "no-class.bin" }],
        });
        var page = MetricsPage.Parse(Export(metrics));
        Assert.That(page["govgateway_documents_total{class=\"notice\",signature=\"smime:valid\"}"], Is.EqualTo(1));
        Assert.That(page["govgateway_documents_total{class=\"report\",signature=\"pdf:untrusted\"}"], Is.EqualTo(1));
        Assert.That(page["govgateway_documents_total{class=\"other\",signature=\"smime:valid\"}"], Is.EqualTo(1));
        Assert.That(page.Samples.Keys.Count(k => k.StartsWith("govgateway_documents_total", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    private static string Export(GatewayMetrics metrics)
    {
        using var stream = new MemoryStream();
        metrics.Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
