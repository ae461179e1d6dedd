using GovGateway.Replies;
using GovGateway.Smtp;
using NUnit.Framework;

namespace Gateway.Tests.Replies;

/// <summary>Replies people read say, in both languages, the same thing (issue 14 §6; seen in the field trial).</summary>
[TestFixture]
public sealed class GatewayRepliesTests
{
    [TestCase(52428800L, "50 MB")]
    [TestCase(1572864L, "1.5 MB")]
    [TestCase(2000L, "2 KB")]
    [TestCase(10L, "1 KB")]
    public void A_size_limit_is_named_as_people_read_it_never_0_MB(long limit, string shown)
    {
        var reply = GatewayReplies.MessageTooBig(limit);
        Assert.That(reply.Text, Does.Contain($"tối đa {shown} ").And.Contain($"maximum of {shown} "));
    }

    [Test]
    public void Auth_on_the_relay_port_says_in_vietnamese_what_the_english_says()
    {
        var reply = GatewayReplies.EngineReplies().Other(new SmtpReply(503, "5.5.1", "Authentication not enabled"));
        Assert.That(reply.Text, Does.StartWith("Cổng này không dùng đăng nhập").And.EndWith("/ Authentication not enabled"));
        Assert.That(reply.Code, Is.EqualTo(503));
    }

    [Test]
    public void Sender_refusal_is_one_bilingual_line_even_for_hostile_input()
    {
        var reply = GatewayReplies.SenderNotOwned("x@hatinh.gov.vn\r\n250 OK");
        Assert.That((reply.Code, reply.EnhancedCode), Is.EqualTo((553, "5.7.1")));
        Assert.That(reply.Text, Does.Not.Contain("\r").And.Not.Contain("\n"));
        Assert.That(reply.Text, Does.Contain("Bạn không được gửi thư").And.Contain(" / Sender address not owned"));
    }

    /// <summary>Every refusal in the catalogue, each made with sample arguments.</summary>
    private static IEnumerable<TestCaseData> Refusals()
    {
        var samples = new Dictionary<Type, object>
        {
            [typeof(string)] = "vanthu@hatinh.gov.vn",
            [typeof(long)] = 52428800L,
            [typeof(TimeSpan)] = TimeSpan.FromSeconds(30),
            [typeof(DateTimeOffset)] = DateTimeOffset.UnixEpoch,
            [typeof(IEnumerable<GovGateway.Policies.RuleHit>)] = new[] { Hit },
            [typeof(GovGateway.Policies.RuleHit)] = Hit,
        };
        foreach (var member in typeof(GatewayReplies).GetMembers(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            SmtpReply? reply = member switch
            {
                System.Reflection.PropertyInfo { PropertyType: var t } p when t == typeof(SmtpReply) => (SmtpReply)p.GetValue(null)!,
                System.Reflection.MethodInfo { ReturnType: var t, Name: not "Reply", IsSpecialName: false } m when t == typeof(SmtpReply) =>
                    (SmtpReply)m.Invoke(null, m.GetParameters().Select(p => samples[p.ParameterType]).ToArray())!,
                _ => null,
            };
            if (reply is { Code: >= 400 }) yield return new TestCaseData(reply).SetArgDisplayNames(member.Name);
        }
        var engine = GatewayReplies.EngineReplies();
        foreach (var p in typeof(SmtpReplies).GetProperties())
        {
            var reply = p.GetValue(engine) switch
            {
                SmtpReply r => r,
                Func<long, SmtpReply> f => f(1000),
                Func<int, SmtpReply> f => f(1000),
                Func<SmtpReply, SmtpReply> f => f(new SmtpReply(501, "5.5.4", "Syntax: MAIL FROM:<address>")),
                _ => throw new AssertionException($"SmtpReplies.{p.Name}: a kind of reply this test does not know"),
            };
            yield return new TestCaseData(reply).SetArgDisplayNames("Engine." + p.Name);
        }
    }

    private static readonly GovGateway.Policies.RuleHit Hit = new("secret", GovGateway.Policies.RuleMode.Enforce, GovGateway.Policies.RuleActionKind.Reject,
        "Văn bản mật không được gửi qua thư điện tử", "Classified documents may not be sent by e-mail");

    [TestCaseSource(nameof(Refusals))]
    public void Every_refusal_says_it_in_vietnamese_then_english(SmtpReply reply)
    {
        foreach (var line in reply.Text.Split('\n'))
        {
            var halves = line.Split(" / ", 2);
            Assert.That(halves, Has.Length.EqualTo(2), $"{reply.Code} {line}: not 'Vietnamese / English'");
            Assert.That(halves[0], Does.Match("[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựíìỉĩịúùủũụýỳỷỹỵéèẻẽẹóòỏõọ]"), $"{reply.Code} {line}: no Vietnamese before ' / '");
            Assert.That(halves[1], Does.Not.Match("[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựíìỉĩịúùủũụ]"), $"{reply.Code} {line}: Vietnamese after ' / '");
        }
    }
}
