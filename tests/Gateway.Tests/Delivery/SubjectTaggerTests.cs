using System.Text;
using GovGateway.Delivery;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Delivery;

public sealed class SubjectTaggerTests
{
    private static string Decoded(byte[] headerBlock)
    {
        var message = MimeMessage.Load(new MemoryStream([.. headerBlock, .. "\r\nbody\r\n"u8.ToArray()]));
        return message.Subject ?? "";
    }

    [TestCase("Subject: Giấy mời họp\r\n", "[Chưa ký số] Giấy mời họp")]
    [TestCase("Subject: =?UTF-8?B?R2nhuqV5IG3hu51pIGjhu41w?=\r\n", "[Chưa ký số] Giấy mời họp")]
    [TestCase("subject:Plain\r\n", "[Chưa ký số] Plain")]
    [TestCase("Subject: first part\r\n continued\r\n", "[Chưa ký số] first part continued")]
    public void The_tag_is_put_in_front_of_the_subject_as_a_mail_client_decodes_it(string subjectLines, string expected)
    {
        var block = Encoding.UTF8.GetBytes("From: a@b.gov.vn\r\n" + subjectLines + "To: c@d.gov.vn\r\n");
        var tagged = SubjectTagger.Apply(block, "[Chưa ký số]");
        Assert.That(Decoded(tagged), Is.EqualTo(expected));
        Assert.That(Encoding.UTF8.GetString(tagged), Does.StartWith("From: a@b.gov.vn\r\n").And.EndWith("To: c@d.gov.vn\r\n"));
    }

    [Test]
    public void An_ascii_tag_is_written_as_is_and_a_missing_subject_is_added()
    {
        Assert.That(Encoding.ASCII.GetString(SubjectTagger.Apply("Subject: Hi\r\n"u8, "[BC]")), Is.EqualTo("Subject: [BC] Hi\r\n"));
        Assert.That(Decoded(SubjectTagger.Apply("From: a@b.gov.vn\r\n"u8, "[Chưa ký số]")), Is.EqualTo("[Chưa ký số]"));
    }
}
