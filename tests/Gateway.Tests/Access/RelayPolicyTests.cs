using NUnit.Framework;
using GovGateway.Access;
using GovGateway.Access.Relay;
using GovGateway.Smtp;

namespace Gateway.Tests.Access;

public class RelayPolicyTests
{
    private readonly RelayPolicy _policy = new(new AccessOptions());

    public static readonly string[] RoutingTricks =
    [
        "<@a.example:u@b.example>",
        "@a.example:u@b.example",
        "@a.example,@c.example:u@hatinh.gov.vn",
        "<@hatinh.gov.vn:u@external.example>",
        "u%external.example@hatinh.gov.vn",
        "external.example!u@hatinh.gov.vn",
        "\"u@external.example\"@hatinh.gov.vn",
        "\"u%external.example\"@hatinh.gov.vn",
        "\"external.example!u\"@hatinh.gov.vn",
        "\"u\\@external.example\"@hatinh.gov.vn",
        "u@[192.0.2.1]",
        "u@[IPv6:2001:db8::1]",
        "<u@[127.0.0.1]>",
    ];

    [TestCaseSource(nameof(RoutingTricks))]
    public void Relay_listener_refuses_every_routing_trick(string recipient)
    {
        var reply = _policy.CheckRecipient(ListenerRole.Relay, authenticated: false, recipient);
        Assert.That((reply.Code, reply.EnhancedCode), Is.EqualTo((550, "5.7.1")), reply.Text);
        Assert.That(reply.Text, Does.Contain(" / Relaying denied"));
    }

    [TestCaseSource(nameof(RoutingTricks))]
    public void Authenticated_submission_refuses_routing_tricks_too(string recipient)
    {
        var reply = _policy.CheckRecipient(ListenerRole.Submission, authenticated: true, recipient);
        Assert.That((reply.Code, reply.EnhancedCode), Is.EqualTo((550, "5.7.1")), reply.Text);
    }

    [TestCase("u@external.example")]
    [TestCase("u@gmail.com")]
    [TestCase("u@hatinh-gov.vn")]
    [TestCase("u@hatinh.gov.vn.example.com")]
    [TestCase("u@gov.vn.attacker.example")]
    public void Relay_listener_refuses_external_domains(string recipient)
    {
        var reply = _policy.CheckRecipient(ListenerRole.Relay, authenticated: false, recipient);
        Assert.That((reply.Code, reply.EnhancedCode), Is.EqualTo((550, "5.7.1")));
        Assert.That(reply.Text, Does.StartWith("Không chuyển tiếp thư tới tên miền này").And.Contain("/ Relaying denied"));
    }

    [TestCase("nguyenvana@hatinh.gov.vn")]
    [TestCase("<VanThu@STTTT.HaTinh.Gov.VN>")]
    [TestCase("vanthu@bộ.gov.vn")]
    [TestCase("văn.thư@hatinh.gov.vn")]
    [TestCase("\"van thu\"@hatinh.gov.vn")]
    [TestCase("u@gov.vn")]
    public void Relay_listener_accepts_local_domains(string recipient)
    {
        var reply = _policy.CheckRecipient(ListenerRole.Relay, authenticated: false, recipient);
        Assert.That(reply, Is.EqualTo(SmtpReply.RecipientOk));
    }

    [TestCase(ListenerRole.Submission)]
    [TestCase(ListenerRole.Smtps)]
    public void Submission_without_login_gets_530(ListenerRole role)
    {
        var reply = _policy.CheckRecipient(role, authenticated: false, "nguyenvana@hatinh.gov.vn");
        Assert.That((reply.Code, reply.EnhancedCode), Is.EqualTo((530, "5.7.0")));
        Assert.That(reply.Text, Does.Contain(" / Authentication required"));
    }

    [TestCase(ListenerRole.Submission)]
    [TestCase(ListenerRole.Smtps)]
    public void Authenticated_submission_may_address_anyone(ListenerRole role)
    {
        Assert.That(_policy.CheckRecipient(role, true, "partner@external.example").Code, Is.EqualTo(250));
        Assert.That(_policy.CheckRecipient(role, true, "nguyenvana@hatinh.gov.vn").Code, Is.EqualTo(250));
    }

    [TestCase("")]
    [TestCase("<>")]
    [TestCase("no-at-sign")]
    [TestCase("u@")]
    [TestCase("u@localhost")]
    [TestCase("a b@hatinh.gov.vn")]
    [TestCase("u@@hatinh.gov.vn")]
    [TestCase("u@external.example@hatinh.gov.vn")]
    [TestCase(".u@hatinh.gov.vn")]
    [TestCase("u..v@hatinh.gov.vn")]
    [TestCase("\"unterminated@hatinh.gov.vn")]
    public void Malformed_addresses_get_501_and_never_relay(string recipient)
    {
        var reply = _policy.CheckRecipient(ListenerRole.Relay, false, recipient);
        Assert.That(reply.Code, Is.EqualTo(501).Or.EqualTo(550), reply.Text);
        Assert.That(reply.IsPositive, Is.False);
    }
}
