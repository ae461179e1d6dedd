using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests.Pades;

/// <summary>
/// Documents signed as agencies' tools sign them (poppler's pdfsig as the independent signer: the signer's signature,
/// then the organisation's, each an incremental update), judged by our revision walker and checked against pdfsig's
/// own verdict on every signature.
/// </summary>
public sealed class PadesTests : PolicyFixture
{
    private static readonly PdfsigSigner Pdfsig = PdfsigSigner.Instance;

    /// <summary>The report as the signer's tool leaves it, then the organisation's (Decree 30/2020 art. 5).</summary>
    private static byte[] SignedBySignerThenOrganisation(byte[]? unsigned = null)
    {
        var once = Pdfsig.Sign(unsigned ?? TestPdf.Create(TestDocuments.Report()), "signer", "NguoiKy");
        return Pdfsig.Sign(once, "organisation", "CoQuan");
    }

    private static Verdict WithPdf(byte[] pdf, Policy? policy = null, string name = "bao-cao-112.pdf") =>
        Evaluate(TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.", (name, "application/pdf", pdf)), policy: policy);

    private static IReadOnlyList<PdfSignatureDetail> Signatures(Verdict v) => v.Attachments.Single().Signature?.Signatures ?? [];

    [Test]
    public void TwoIncrementalSignaturesAreBothValidWithTheirRoles()
    {
        var pdf = SignedBySignerThenOrganisation();
        var v = WithPdf(pdf);
        var signatures = Signatures(v);
        Assert.Multiple(() =>
        {
            Assert.That(signatures.Select(s => s.Status), Is.EqualTo(new[] { SignatureStatus.Valid, SignatureStatus.Valid }), Describe(v));
            Assert.That(signatures.Select(s => s.Role), Is.EqualTo(new[] { SignatureRole.Signer, SignatureRole.Organisation }));
            Assert.That(signatures.Select(s => s.FieldName), Is.EqualTo(new[] { "NguoiKy", "CoQuan" }));
            Assert.That(signatures[0].SignerSubject, Does.Contain("Nguyễn Văn An"));
            Assert.That(signatures[1].SignerSubject, Does.Contain("Sở Thông tin và Truyền thông tỉnh Hà Tĩnh"));
            Assert.That(signatures[0].CoversWholeFile, Is.False);
            Assert.That(signatures[1].CoversWholeFile, Is.True);
            // What the organisation's update added is named, and allowed.
            Assert.That(signatures[0].LaterChanges, Is.Not.Empty);
            Assert.That(signatures[0].LaterChanges!, Has.All.StartWith("allowed: "));
            Assert.That(signatures[0].Serial, Is.EqualTo(Pki.Person.Certificate.SerialNumber.ToString(16).ToUpperInvariant()));
            Assert.That(signatures[0].NotAfter?.UtcDateTime, Is.EqualTo(Pki.Person.Certificate.NotAfter.ToUniversalTime()).Within(TimeSpan.FromSeconds(1)));
            Assert.That(signatures[0].Revocation, Is.EqualTo("good"));
            Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        });
        Assert.That(PdfsigSigner.Validations(Pdfsig.Verify(pdf)), Is.EqualTo(new[] { "Signature is Valid.", "Signature is Valid." }));
    }

    /// <summary>
    /// PAdES B-LT: after both signatures a tool appends the CA's CRL and certificates in a /DSS update. pdfsig says
    /// both signatures are valid and neither covers the whole document; it does not look at what the update changed,
    /// so it would say the same of a forbidden change (next test). Our walker names the change and allows it.
    /// </summary>
    [Test]
    public void DssUpdateAfterSigningKeepsBothSignaturesValid()
    {
        var pdf = PdfUpdates.AppendDss(SignedBySignerThenOrganisation(), [Pki.Intermediate.Certificate], [Pki.Crl]);
        var v = WithPdf(pdf);
        var signatures = Signatures(v);
        Assert.That(signatures.Select(s => s.Status), Is.EqualTo(new[] { SignatureStatus.Valid, SignatureStatus.Valid }), Describe(v));
        Assert.That(signatures[1].CoversWholeFile, Is.False);
        Assert.That(signatures[1].LaterChanges, Does.Contain("allowed: validation data (/DSS) added to the catalogue"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));

        var pdfsig = Pdfsig.Verify(pdf);
        Assert.That(PdfsigSigner.Validations(pdfsig), Is.EqualTo(new[] { "Signature is Valid.", "Signature is Valid." }), pdfsig);
        Assert.That(pdfsig, Does.Not.Contain("Total document signed"), pdfsig);
    }

    /// <summary>
    /// The page's text replaced after both signatures. pdfsig reports exactly what it reported for the /DSS update
    /// (each signature valid over its own bytes, the document not wholly signed); the difference is in what the
    /// update changed, which our walker reads: the page content, which no signature permits.
    /// </summary>
    [Test]
    public void ContentChangedAfterSigningIsInvalidAndSaysWhat()
    {
        var pdf = PdfUpdates.ReplaceContent(SignedBySignerThenOrganisation(), 5, "BAO CAO DA BI SUA");
        var v = WithPdf(pdf);
        var signatures = Signatures(v);
        Assert.That(signatures.Select(s => s.Status), Is.EqualTo(new[] { SignatureStatus.Invalid, SignatureStatus.Invalid }), Describe(v));
        Assert.That(signatures[1].Detail, Does.Contain("changed after signing").And.Contain("page 1"), Describe(v));
        Assert.That(signatures[1].LaterChanges!.Any(c => c.StartsWith("not allowed: page 1", StringComparison.Ordinal)), Is.True, string.Join("\n", signatures[1].LaterChanges!));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("signature"));

        var pdfsig = Pdfsig.Verify(pdf);
        Assert.That(PdfsigSigner.Validations(pdfsig), Is.EqualTo(new[] { "Signature is Valid.", "Signature is Valid." }), pdfsig);
        Assert.That(pdfsig, Does.Not.Contain("Total document signed"), pdfsig);
    }

    [Test]
    public void ContentChangedBetweenTheTwoSignaturesInvalidatesOnlyTheFirst()
    {
        var once = Pdfsig.Sign(TestPdf.Create(TestDocuments.Report()), "signer", "NguoiKy");
        var pdf = Pdfsig.Sign(PdfUpdates.ReplaceContent(once, 5, "BAO CAO DA BI SUA"), "organisation", "CoQuan");
        var signatures = Signatures(WithPdf(pdf));
        Assert.That(signatures.Select(s => s.Status), Is.EqualTo(new[] { SignatureStatus.Invalid, SignatureStatus.Valid }));
        Assert.That(signatures[0].Detail, Does.Contain("page 1"));
    }

    /// <summary>The document saved with object streams and a cross-reference stream (qpdf) before both signatures.</summary>
    [Test]
    public void ObjectStreamsAreRead()
    {
        var dir = Directory.CreateTempSubdirectory("pades-qpdf").FullName;
        File.WriteAllBytes(Path.Combine(dir, "in.pdf"), TestPdf.Create(TestDocuments.Report()));
        ToolRunner.Run("qpdf", ["--object-streams=generate", Path.Combine(dir, "in.pdf"), Path.Combine(dir, "out.pdf")]).Succeeded();
        var packed = File.ReadAllBytes(Path.Combine(dir, "out.pdf"));
        Assert.That(System.Text.Encoding.Latin1.GetString(packed), Does.Contain("/ObjStm"), "qpdf made no object stream");

        var pdf = PdfUpdates.AppendDss(SignedBySignerThenOrganisation(packed), [], [Pki.Crl]);
        var v = WithPdf(pdf);
        Assert.That(Signatures(v).Select(s => s.Status), Is.EqualTo(new[] { SignatureStatus.Valid, SignatureStatus.Valid }), Describe(v));
        Assert.That(Signatures(v).Select(s => s.Role), Is.EqualTo(new[] { SignatureRole.Signer, SignatureRole.Organisation }));
        Assert.That(PdfsigSigner.Validations(Pdfsig.Verify(pdf)), Is.EqualTo(new[] { "Signature is Valid.", "Signature is Valid." }));
    }

    /// <summary>The signer's timestamped CAdES signature (our writer), then the organisation's by pdfsig on top of it.</summary>
    [Test]
    public void OrganisationSignsOverATimestampedCadesSignature()
    {
        var first = TestPdf.CreateSigned(Pki.Person, TestDocuments.Report(), "ETSI.CAdES.detached", timestamp: OpensslTsa.Instance.Stamp);
        var pdf = Pdfsig.Sign(first, "organisation", "CoQuan");
        var v = WithPdf(pdf);
        Assert.That(Signatures(v).Select(s => (s.Status, s.Role, s.SigningTimeSource)).ToArray(), Is.EqualTo(new[]
        {
            (SignatureStatus.Valid, SignatureRole.Signer, "timestamp"), (SignatureStatus.Valid, SignatureRole.Organisation, "claimed"),
        }), Describe(v));
        Assert.That(PdfsigSigner.Validations(Pdfsig.Verify(pdf)), Is.EqualTo(new[] { "Signature is Valid.", "Signature is Valid." }));
    }

    /// <summary>Decree 30/2020 appendix I: an appendix carries the organisation's signature only.</summary>
    [Test]
    public void AppendixWithOnlyTheOrganisationsSignatureIsAcceptedByTheShippedPolicy()
    {
        var pdf = Pdfsig.Sign(TestPdf.Create(TestDocuments.Report()), "organisation", "CoQuan");
        var v = WithPdf(pdf, name: "phu-luc-bao-cao-112.pdf");
        Assert.That(Signatures(v).Single().Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
        Assert.That(Signatures(v).Single().Role, Is.EqualTo(SignatureRole.Organisation));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        Assert.That(PdfsigSigner.Validations(Pdfsig.Verify(pdf)), Is.EqualTo(new[] { "Signature is Valid." }));
    }

    private const string RolePolicy = """
        rules:
          - name: report-roles
            when:
              missing-signature-role: {roles: [signer, organisation], classes: [report]}
            action: reject
            message:
              vi: "Báo cáo phải có chữ ký của người ký và của cơ quan ({details})."
              en: "A report needs the signer's and the organisation's signatures ({details})."
        """;

    [Test]
    public void RoleConditionNeedsBothSignerAndOrganisation()
    {
        var policy = LoadPolicy(RolePolicy);
        var both = WithPdf(SignedBySignerThenOrganisation(), policy);
        Assert.That(both.Decision, Is.EqualTo(Decision.Accept), Describe(both));

        var organisationOnly = WithPdf(Pdfsig.Sign(TestPdf.Create(TestDocuments.Report()), "organisation", "CoQuan"), policy);
        Assert.That(organisationOnly.Decision, Is.EqualTo(Decision.Reject), Describe(organisationOnly));
        var reason = organisationOnly.Reasons.Single();
        Assert.That(reason.MessageVi, Does.Contain("bao-cao-112.pdf: thiếu chữ ký số hợp lệ của người ký"));
        Assert.That(reason.MessageEn, Does.Contain("bao-cao-112.pdf: no valid signature of the signer"));
    }

    [Test]
    public void UnknownRoleInThePolicyIsAnErrorNamingIt()
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(RolePolicy.Replace("organisation]", "organization]")));
        Assert.That(result.Policy, Is.Null);
        Assert.That(result.Errors.Single().Message, Does.Contain("unknown signature role 'organization'"));
    }
}
