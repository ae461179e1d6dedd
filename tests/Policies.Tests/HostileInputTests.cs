using GovGateway.Policies.Tests.Fixtures;
using MimeKit;

namespace GovGateway.Policies.Tests;

/// <summary>
/// Issue 15 §1: no input makes evaluation slow. Bounds are on the evaluating thread's CPU time (not wall time), with a
/// wide margin: before the fixes these inputs cost 36 s and 67 s of CPU; now a few milliseconds.
/// </summary>
public sealed class HostileInputTests : PolicyFixture
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    [OneTimeSetUp]
    public void WarmUp() => Evaluate(TestMessages.Message("Báo cáo", "Số: 1/BC-STTTT"));

    private static MimeMessage HtmlMessage(string html)
    {
        var message = TestMessages.Message("Thông tin", "x");
        message.Body = new BodyBuilder { HtmlBody = html }.ToMessageBody();
        return message;
    }

    [Test]
    public void SoFollowedBy200000SpacesGetsAVerdictQuickly()
    {
        var message = TestMessages.Message("Báo cáo", "Số" + new string(' ', 200_000) + "x");
        Verdict? verdict = null;
        var cpu = ThreadCpu.Measure(() => verdict = Evaluate(message));
        Assert.That(cpu, Is.LessThan(Budget), "the number/symbol regex must be linear in the line's length");
        Assert.That(verdict!.Decision, Is.EqualTo(Decision.Accept), Describe(verdict));
    }

    [Test]
    public void HtmlOfOnePointSixMillionLessThanSignsGetsAVerdictQuickly()
    {
        var message = HtmlMessage(new string('<', 1_600_000));
        Verdict? verdict = null;
        var cpu = ThreadCpu.Measure(() => verdict = Evaluate(message));
        Assert.That(cpu, Is.LessThan(Budget), "HTML must be read by a linear tokenizer, not a tag regex");
        Assert.That(verdict!.Decision, Is.EqualTo(Decision.Accept), Describe(verdict));
    }

    [Test]
    public void HtmlBodyIsStillClassifiedAndItsStampFound()
    {
        // Block ends and <br> end lines; entities are decoded; the stamp stands on a line of its own.
        var html = "<html><body><p>ỦY BAN NHÂN DÂN TỈNH</p><div>Số: 45/GM-STTTT</div>MẬT<br>" +
                   "<p>GIẤY MỜI</p><p>Dự họp &amp; thảo luận</p></body></html>";
        var verdict = Evaluate(HtmlMessage(html), TestMessages.Envelope("ban@gmail.com"));
        Assert.That(verdict.Classes, Does.Contain(DocumentClass.Invitation), Describe(verdict));
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(verdict.Reasons.Select(r => r.Rule), Does.Contain("secret"), Describe(verdict));
    }

    [Test]
    public void StampAfterAVeryLongRunOfSpacesIsStillAStamp()
    {
        // Lines are bounded in length; leading white space does not count, so it cannot push a stamp out of view.
        var verdict = Evaluate(TestMessages.Message("Thông tin", "Kính gửi.\n" + new string(' ', 20_000) + "TỐI MẬT\nNội dung."));
        Assert.That(verdict.Reasons.Select(r => r.Rule), Does.Contain("secret"), Describe(verdict));
    }

    [Test]
    public void AttachmentNameGlobsRunInLinearTime()
    {
        var policy = LoadPolicy("""
            rules:
              - name: glob
                when:
                  attachment-name: ["*a*a*a*a*a*a*a*a*b"]
                action: quarantine
                message: {vi: "x", en: "x"}
            """);
        var name = new string('a', 3000) + ".txt";
        var message = TestMessages.Message("Thông tin", "x", (name, "text/plain", "nội dung"u8.ToArray()));
        Verdict? verdict = null;
        var cpu = ThreadCpu.Measure(() => verdict = Evaluate(message, policy: policy));
        Assert.That(cpu, Is.LessThan(Budget), "a glob of many stars must not backtrack over the sender's file name");
        Assert.That(verdict!.Decision, Is.EqualTo(Decision.Accept), Describe(verdict));
        var hit = TestMessages.Message("Thông tin", "x", (new string('a', 20) + "b", "text/plain", "nội dung"u8.ToArray()));
        Assert.That(Evaluate(hit, policy: policy).Decision, Is.EqualTo(Decision.Quarantine));
    }
}
