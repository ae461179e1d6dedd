using GovGateway.Policies.Domains;

namespace GovGateway.Policies.Tests;

/// <summary>The one domain-list reading (Access:LocalDomains, Access:OwnDomains, policy.yaml's domains and address conditions).</summary>
public class DomainMatcherTests
{
    private readonly DomainMatcher _gov = new(["gov.vn"]);

    [TestCase("gov.vn")]
    [TestCase("hatinh.gov.vn")]
    [TestCase("sotttt.hatinh.gov.vn")]
    [TestCase("HaTinh.GOV.VN")]
    [TestCase("hatinh.gov.vn.")]
    [TestCase("nguyenvana@hatinh.gov.vn")]
    [TestCase("<nguyenvana@HATINH.gov.vn>")]
    [TestCase("bộ.gov.vn")]
    [TestCase("xn--b-8xm.gov.vn")]
    [TestCase("BỘ.GOV.VN")]
    public void Government_domains_match(string name) => Assert.That(_gov.Matches(name), Is.True, name);

    [TestCase("hatinh-gov.vn")]
    [TestCase("gov.vn.example.com")]
    [TestCase("hatinh.gov.vn.example.com")]
    [TestCase("govvn")]
    [TestCase("xgov.vn")]
    [TestCase("vn")]
    [TestCase("gov.vnn")]
    [TestCase("gmail.com")]
    [TestCase("u@[192.0.2.1]")]
    [TestCase("")]
    [TestCase("hatinh..gov.vn")]
    [TestCase("hatinh.gov.vn..")]
    [TestCase("-x.gov.vn")]
    [TestCase("x_y.gov.vn")]
    public void Other_names_do_not_match(string name) => Assert.That(_gov.Matches(name), Is.False, name);

    [Test]
    public void Unicode_and_punycode_entries_are_the_same_domain()
    {
        var ascii = DomainName.ToAscii("bộ.gov.vn");
        Assert.That(ascii, Is.EqualTo("xn--b-8xm.gov.vn"), "Python's idna codec gives the same A-label");

        var unicodeEntry = new DomainMatcher(["bộ.gov.vn"]);
        var punyEntry = new DomainMatcher([ascii!]);
        // NFD input (o + combining dot below + combining circumflex) is the same name too.
        var nfd = "bộ.gov.vn".Normalize(System.Text.NormalizationForm.FormD);
        Assert.Multiple(() =>
        {
            Assert.That(unicodeEntry.Matches(ascii!), Is.True);
            Assert.That(punyEntry.Matches("bộ.gov.vn"), Is.True);
            Assert.That(punyEntry.Matches("vanthu@" + nfd), Is.True);
            Assert.That(punyEntry.Matches("van.bộ.gov.vn"), Is.True);
            Assert.That(punyEntry.Matches("bo.gov.vn"), Is.False, "the letter without diacritics is another domain");
        });
    }

    [Test]
    public void Wildcard_entry_matches_only_subdomains()
    {
        var m = new DomainMatcher(["*.hatinh.gov.vn", "chinhphu.vn"]);
        Assert.Multiple(() =>
        {
            Assert.That(m.Matches("stnmt.hatinh.gov.vn"), Is.True);
            Assert.That(m.Matches("hatinh.gov.vn"), Is.False);
            Assert.That(m.Matches("chinhphu.vn"), Is.True);
            Assert.That(m.Matches("vpcp.chinhphu.vn"), Is.True);
            Assert.That(m.Matches("bacninh.gov.vn"), Is.False);
        });
    }

    [Test]
    public void Invalid_configured_domain_is_a_clear_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DomainMatcher(["gov..vn"]));
        Assert.That(ex!.Message, Does.Contain("gov..vn"));
    }

    [Test]
    public void Leading_dot_reads_as_the_bare_domain()
    {
        var m = new DomainMatcher([".hatinh.gov.vn"]);
        Assert.Multiple(() =>
        {
            Assert.That(m.Matches("hatinh.gov.vn"), Is.True);
            Assert.That(m.Matches("stnmt.hatinh.gov.vn"), Is.True);
            Assert.That(m.Domains, Is.EqualTo(new[] { "hatinh.gov.vn" }));
        });
    }

    [Test]
    public void Entries_are_listed_normalised_with_their_wildcard()
    {
        var m = new DomainMatcher(["BỘ.gov.vn", "*.HaTinh.gov.vn", "xn--b-8xm.gov.vn"]);
        Assert.That(m.Domains, Is.EqualTo(new[] { "xn--b-8xm.gov.vn", "*.hatinh.gov.vn" }));
    }

    [TestCase("gov.vn", true)]
    [TestCase("*.gov.vn", true)]
    [TestCase(".gov.vn", true)]
    [TestCase("bộ.gov.vn", true)]
    [TestCase("gov..vn", false)]
    [TestCase("*gov.vn", false)]
    [TestCase("[192.0.2.1]", false)]
    [TestCase("x_y.gov.vn", false)]
    [TestCase("", false)]
    public void Entry_validity_is_what_the_constructor_accepts(string entry, bool valid)
    {
        Assert.That(DomainMatcher.IsValidEntry(entry), Is.EqualTo(valid));
        if (valid) Assert.DoesNotThrow(() => _ = new DomainMatcher([entry]));
        else Assert.Throws<ArgumentException>(() => _ = new DomainMatcher([entry]));
    }
}
