using GovGateway.Access.Addresses;
using GovGateway.Policies.Domains;
using NUnit.Framework;
using GovGateway.Access;

namespace Gateway.Tests.Access;

public class AddressValidatorTests
{
    private readonly AddressValidator _validator = new();

    [TestCase("<@a.example:u@b.example>", AddressProblem.SourceRoute)]
    [TestCase("u%external.example@hatinh.gov.vn", AddressProblem.PercentHack)]
    [TestCase("external.example!u@hatinh.gov.vn", AddressProblem.BangPath)]
    [TestCase("\"u@external.example\"@hatinh.gov.vn", AddressProblem.QuotedRoute)]
    [TestCase("u@[192.0.2.1]", AddressProblem.AddressLiteral)]
    [TestCase("", AddressProblem.Empty)]
    [TestCase("u@bad_domain.vn", AddressProblem.Malformed)]
    public void Refusals_name_what_was_attempted(string address, AddressProblem expected)
    {
        var check = _validator.Check(address);
        Assert.That(check.Problem, Is.EqualTo(expected));
        Assert.That(check.IsValid, Is.False);
        Assert.That(check.Reason, Is.Not.Empty);
    }

    [Test]
    public void Idn_domain_is_normalised_to_a_labels_and_kept_for_display()
    {
        var check = _validator.Check("VanThu@BỘ.gov.vn.");
        Assert.That(check.IsValid, Is.True, check.Reason);
        Assert.That(check.LocalPart, Is.EqualTo("VanThu"), "local parts keep their case");
        Assert.That(check.Domain, Is.EqualTo(DomainName.ToAscii("bộ.gov.vn")));
        Assert.That(check.UnicodeDomain, Is.EqualTo("bộ.gov.vn"));
    }

    [Test]
    public void Utf8_local_part_is_accepted_and_nfc_normalised()
    {
        var nfd = "nguyễn.văn.a".Normalize(System.Text.NormalizationForm.FormD);
        var check = _validator.Check(nfd + "@hatinh.gov.vn");
        Assert.That(check.IsValid, Is.True, check.Reason);
        Assert.That(check.LocalPart, Is.EqualTo("nguyễn.văn.a".Normalize()));
    }

    [Test]
    public void Quoted_local_part_that_needs_no_quotes_is_unquoted()
    {
        Assert.That(_validator.Check("\"van.thu\"@hatinh.gov.vn").Address, Is.EqualTo("van.thu@hatinh.gov.vn"));
        Assert.That(_validator.Check("\"van thu\"@hatinh.gov.vn").Address, Is.EqualTo("\"van thu\"@hatinh.gov.vn"));
    }

    [Test]
    public void Local_part_over_64_octets_is_refused()
    {
        Assert.That(_validator.Check(new string('a', 64) + "@hatinh.gov.vn").IsValid, Is.True);
        Assert.That(_validator.Check(new string('a', 65) + "@hatinh.gov.vn").Problem, Is.EqualTo(AddressProblem.Malformed));
        // 33 two-octet letters are 66 octets.
        Assert.That(_validator.Check(new string('ư', 33) + "@hatinh.gov.vn").Problem, Is.EqualTo(AddressProblem.Malformed));
    }

    [Test]
    public void Garbage_never_throws()
    {
        var rng = new Random(30_2020);
        const string alphabet = "ab@.%!\"\\:,[]<> \u0000\u00e9ộ-_";
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[rng.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
                chars[j] = alphabet[rng.Next(alphabet.Length)];
            var input = new string(chars);
            Assert.DoesNotThrow(() => _validator.Check(input), input);
        }
    }
}
