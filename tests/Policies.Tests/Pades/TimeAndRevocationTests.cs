using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests.Pades;

/// <summary>
/// RFC 3161 signature timestamps from a TSA run inside the test (`openssl ts -reply`), CAdES with
/// signing-certificate-v2, and revocation from the trust folder, the document's /DSS and the CMS itself.
/// </summary>
public sealed class TimeAndRevocationTests : PolicyFixture
{
    private static readonly OpensslTsa Tsa = OpensslTsa.Instance;

    private static Verdict WithPdf(byte[] pdf, Policy? policy = null) =>
        Evaluate(TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.", ("bao-cao-112.pdf", "application/pdf", pdf)), policy: policy);

    private static PdfSignatureDetail Single(Verdict v) => v.Attachments.Single().Signature!.Signatures.Single();

    private static Policy Load(string? yaml, IEnumerable<Org.BouncyCastle.X509.X509Crl> crls, TimeProvider? clock = null)
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(yaml, crls), clock ?? TimeProvider.System);
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    [Test]
    public void CadesWithSigningCertificateV2AndTimestampIsValidAndTimedByTheToken()
    {
        var pdf = TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.CAdES.detached", timestamp: Tsa.Stamp);
        var v = WithPdf(pdf);
        var s = Single(v);
        Assert.Multiple(() =>
        {
            Assert.That(s.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
            Assert.That(s.SubFilter, Is.EqualTo("ETSI.CAdES.detached"));
            Assert.That(s.SigningTimeSource, Is.EqualTo("timestamp"));
            Assert.That(s.SigningTime!.Value, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
            Assert.That(s.Role, Is.EqualTo(SignatureRole.Signer));
        });
        var pdfsig = PdfsigSigner.Instance.Verify(pdf);
        Assert.That(PdfsigSigner.Validations(pdfsig), Is.EqualTo(new[] { "Signature is Valid." }), pdfsig);
        Assert.That(pdfsig, Does.Contain("ETSI.CAdES.detached"), pdfsig);
    }

    [Test]
    public void DocumentTimestampIsVerifiedAsATokenOverTheFile()
    {
        var pdf = TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.RFC3161", timestamp: Tsa.Stamp);
        var s = Single(WithPdf(pdf));
        Assert.That(s.Status, Is.EqualTo(SignatureStatus.Valid), s.Detail);
        Assert.That(s.Role, Is.EqualTo(SignatureRole.Timestamp));
        Assert.That(s.SignerSubject, Does.Contain("TSA chuyen dung"));
        Assert.That(s.SigningTimeSource, Is.EqualTo("timestamp"));

        // The same token over other bytes: the imprint no longer matches.
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        pdf[text.IndexOf("/MediaBox [0 0 595 842]", StringComparison.Ordinal) + "/MediaBox [0 0 5".Length] = (byte)'8';
        var changed = Single(WithPdf(pdf));
        Assert.That(changed.Status, Is.EqualTo(SignatureStatus.Invalid));
        Assert.That(changed.Detail, Does.Contain("message imprint differs"));
    }

    [Test]
    public void WithoutATimestampTheTimeIsOnlyClaimed()
    {
        var s = Single(WithPdf(TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.CAdES.detached")));
        Assert.That(s.Status, Is.EqualTo(SignatureStatus.Valid));
        Assert.That(s.SigningTimeSource, Is.EqualTo("claimed"));
    }

    [Test]
    public void TimestampOverOtherDataIsInvalid()
    {
        var pdf = TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.CAdES.detached", timestamp: _ => Tsa.Stamp([1, 2, 3]));
        var v = WithPdf(pdf);
        Assert.That(Single(v).Status, Is.EqualTo(SignatureStatus.Invalid), Describe(v));
        Assert.That(Single(v).Detail, Does.Contain("message imprint differs"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
    }

    /// <summary>
    /// Two years on, the signer's certificate has expired. Timestamped while it was valid, the signature stays valid;
    /// the same signature without a timestamp is expired. (No CRL: the test CA's list would be stale by then.)
    /// </summary>
    [Test]
    public void ExpiredSinceATrustedTimestampedSigningTimeIsValid()
    {
        var later = new FixedClock(DateTimeOffset.UtcNow.AddYears(2));
        var policy = Load(null, [], later);
        var stamped = Single(WithPdf(TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.CAdES.detached", timestamp: Tsa.Stamp), policy));
        Assert.That(stamped.Status, Is.EqualTo(SignatureStatus.Valid), stamped.Detail);
        Assert.That(stamped.Detail, Does.Contain("expired on").And.Contain("after the timestamped signing time"));

        var unstamped = Single(WithPdf(TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.CAdES.detached"), policy));
        Assert.That(unstamped.Status, Is.EqualTo(SignatureStatus.Expired), unstamped.Detail);
    }

    [Test]
    public void StaleCrlGivesUnknownNeverValid()
    {
        var now = DateTime.UtcNow;
        var stale = Pki.IntermediateCrl(now.AddDays(-10), now.AddDays(-1));
        var v = WithPdf(TestPdf.CreateSigned(Pki.Person, TestDocuments.Report()), Load(null, [stale, Pki.RootCrl]));
        Assert.That(Single(v).Status, Is.EqualTo(SignatureStatus.Unknown), Describe(v));
        Assert.That(Single(v).Revocation, Is.EqualTo("unknown"));
        Assert.That(Single(v).Detail, Does.Contain("expired on").And.Contain("nextUpdate"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().MessageEn, Does.Contain("revocation status cannot be established"));
    }

    [Test]
    public void GraceSettingAllowsARecentlyStaleCrl()
    {
        var now = DateTime.UtcNow;
        var stale = Pki.IntermediateCrl(now.AddDays(-10), now.AddDays(-1));
        var policy = Load(PolicyWith("signatures:\n  crl-grace: 2d\n"), [stale, Pki.RootCrl]);
        Assert.That(Single(WithPdf(TestPdf.CreateSigned(Pki.Person, TestDocuments.Report()), policy)).Status, Is.EqualTo(SignatureStatus.Valid));
    }

    [Test]
    public void MissingRevocationDataIsUnknownWhenRequired()
    {
        var pdf = TestPdf.CreateSigned(Pki.Person, TestDocuments.Report());
        Assert.That(Single(WithPdf(pdf, Load(null, []))).Revocation, Is.EqualTo("not-checked"));
        var required = Single(WithPdf(pdf, Load(PolicyWith("signatures:\n  require-revocation-data: true\n"), [])));
        Assert.That(required.Status, Is.EqualTo(SignatureStatus.Unknown), required.Detail);
    }

    [Test]
    public void CrlInTheDocumentsDssRevokes()
    {
        var crl = Pki.IntermediateCrl(DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddDays(7), Pki.Person.Certificate);
        var signed = PdfsigSigner.Instance.Sign(TestPdf.Create(TestDocuments.Report()), "signer", "NguoiKy");
        var policy = Load(null, []);
        Assert.That(Single(WithPdf(signed, policy)).Status, Is.EqualTo(SignatureStatus.Valid));
        var v = WithPdf(PdfUpdates.AppendDss(signed, [], [crl]), policy);
        Assert.That(Single(v).Status, Is.EqualTo(SignatureStatus.Revoked), Describe(v));
    }

    [Test]
    public void CrlInTheCmsRevokes()
    {
        var crl = Pki.IntermediateCrl(DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddDays(7), Pki.Person.Certificate);
        var v = WithPdf(TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), crls: [crl]), Load(null, []));
        Assert.That(Single(v).Status, Is.EqualTo(SignatureStatus.Revoked), Describe(v));
    }

    /// <summary>With a host's fetcher, a CA without a fresh list here is asked at the certificate's distribution point.</summary>
    [Test]
    public void FetchedCrlIsUsedWhenNoneIsAtHand()
    {
        var pdf = TestPdf.CreateSigned(Pki.WithDistributionPoint, TestDocuments.Report());
        var revoking = Pki.IntermediateCrl(DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddDays(7), Pki.WithDistributionPoint.Certificate);
        var fetcher = new StubFetcher(revoking.GetEncoded());
        var result = PolicyLoader.Load(Pki.WriteConfig(null, [Pki.RootCrl]), TimeProvider.System, fetcher);
        var v = WithPdf(pdf, result.Policy);
        Assert.That(Single(v).Status, Is.EqualTo(SignatureStatus.Revoked), Describe(v));
        Assert.That(fetcher.Asked, Is.EqualTo(new[] { new Uri(TestPki.CrlUrl) }));

        // Nothing to be had: offline rules apply (not-checked), and a fresh list at hand means no fetch at all.
        var offline = new StubFetcher(null);
        var unreachable = Single(WithPdf(pdf, PolicyLoader.Load(Pki.WriteConfig(null, [Pki.RootCrl]), TimeProvider.System, offline).Policy));
        Assert.That(unreachable.Revocation, Is.EqualTo("not-checked"));
        var fresh = new StubFetcher(null);
        Assert.That(Single(WithPdf(pdf, PolicyLoader.Load(Pki.WriteConfig(), TimeProvider.System, fresh).Policy)).Revocation, Is.EqualTo("good"));
        Assert.That(fresh.Asked, Is.Empty);
    }

    private sealed class StubFetcher(byte[]? crl) : ICrlFetcher
    {
        public List<Uri> Asked { get; } = [];

        public byte[]? Fetch(Uri distributionPoint, CancellationToken ct)
        {
            Asked.Add(distributionPoint);
            return crl;
        }
    }

    [TestCase("crl-grace: 40d", "at most 30 days")]
    [TestCase("crl-grace: soon", "must be a duration")]
    [TestCase("crl-grase: 1d", "did you mean 'crl-grace'")]
    public void MistypedSignatureSettingsAreErrors(string line, string expected)
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(PolicyWith($"signatures:\n  {line}\n")));
        Assert.That(result.Policy, Is.Null);
        Assert.That(string.Join("\n", result.Errors), Does.Contain(expected));
    }

    private static string PolicyWith(string section) => section + "rules:\n" + """
          - name: signature
            when:
              unsigned: [report]
            action: reject
            message: {vi: "Chưa ký ({details})", en: "Not signed ({details})"}
        """;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
