using GovGateway.Audit;
using GovGateway.WebConsole;
using GovGateway.WebConsole.Auditor;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.WebConsole;

/// <summary>The detail page shows each PDF signature with its role and certificate, as the audit record holds them.</summary>
public sealed class RecordDetailTests
{
    [Test]
    public void Each_pdf_signature_is_shown_with_its_role_certificate_and_signing_time()
    {
        var transaction = new AuditTransaction
        {
            TimeUtc = new DateTime(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc),
            Attachments =
            [
                new AuditAttachment
                {
                    Name = "bao-cao.pdf",
                    Signatures =
                    [
                        new AuditSignature { Role = "signer", Status = "valid", Subject = "CN=Nguyễn Văn A", Issuer = "CN=CA Chính phủ", Serial = "0A1B",
                                             NotBefore = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), NotAfter = new DateTime(2028, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                                             SigningTime = new DateTime(2026, 12, 2, 2, 0, 0, DateTimeKind.Utc), SigningTimeSource = "timestamp", Revocation = "good" },
                        new AuditSignature { Role = "organisation", Status = "valid", Subject = "CN=Sở Thông tin và Truyền thông", Issuer = "CN=CA Chính phủ", Serial = "0C2D", Revocation = "unknown" },
                    ],
                },
            ],
        };
        var context = new ConsoleContext(null!, new ConsoleOptions(), new ConfigurationBuilder().Build());

        var html = System.Net.WebUtility.HtmlDecode(RecordDetail.Html(new AuditRecordView { Transaction = transaction }, context));

        Assert.That(html, Does.Contain("id=\"pdf-signatures\""));
        Assert.That(html, Does.Contain("<td>bao-cao.pdf</td><td>signer</td><td>valid</td><td>CN=Nguyễn Văn A</td><td>CN=CA Chính phủ</td><td>0A1B</td>"));
        Assert.That(html, Does.Contain("2026-12-02 09:00:00 (timestamp)"), "signing time in the console's zone (+07:00) with its source");
        Assert.That(html, Does.Contain("<td>organisation</td><td>valid</td><td>CN=Sở Thông tin và Truyền thông</td>"));
        Assert.That(html, Does.Contain("<td>unknown</td></tr>"));
    }
}
