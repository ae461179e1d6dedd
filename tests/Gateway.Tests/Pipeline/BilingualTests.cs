using GovGateway.Pipeline;
using GovGateway.Smtp;
using NUnit.Framework;

namespace Gateway.Tests.Pipeline;

/// <summary>Replies people read say, in both languages, the same thing (issue 14 §6; seen in the field trial).</summary>
[TestFixture]
public sealed class BilingualTests
{
    [TestCase(52428800L, "50 MB")]
    [TestCase(1572864L, "1.5 MB")]
    [TestCase(2000L, "2 KB")]
    [TestCase(10L, "1 KB")]
    public void A_size_limit_is_named_as_people_read_it_never_0_MB(long limit, string shown)
    {
        var reply = Bilingual.MessageTooBig(limit);
        Assert.That(reply.Text, Does.Contain($"tối đa {shown} ").And.Contain($"maximum of {shown} "));
    }

    [Test]
    public void Auth_on_the_relay_port_says_in_vietnamese_what_the_english_says()
    {
        var reply = Bilingual.EngineReplies().Other(new SmtpReply(503, "5.5.1", "Authentication not enabled"));
        Assert.That(reply.Text, Does.StartWith("Cổng này không dùng đăng nhập").And.EndWith("/ Authentication not enabled"));
        Assert.That(reply.Code, Is.EqualTo(503));
    }
}
