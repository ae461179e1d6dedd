using System.Text;
using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

/// <summary>
/// Inputs that crashed the fuzzing harnesses (fuzz/, issue 15 point 11), each fed to the code the gateway runs,
/// with the outcome it must have instead of an exception.
/// </summary>
public sealed class FuzzFindingsTests : PolicyFixture
{
    /// <summary>
    /// A /ByteRange whose third and fourth numbers add up past long.MaxValue wrapped around, passed the
    /// bounds check and made the verifier index the file at a negative offset: Policy.Evaluate threw
    /// IndexOutOfRangeException instead of giving a verdict. (Seen while writing the pdf-signature harness and
    /// replayed through it; afl-fuzz itself had not made such a number yet.)
    /// </summary>
    [TestCase("0 10 9223372036854775800 100")]
    [TestCase("0 10 12 9223372036854775807")]
    [TestCase("0 9223372036854775807 9223372036854775807 1")]
    public void PdfByteRangeNearLongMaxIsMalformedNotACrash(string byteRange)
    {
        // In a signature field's value, where the verifier now reads byte ranges from.
        var pdf = TestPdf.WithByteRange(TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report()), byteRange);
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.", ("bao-cao.pdf", "application/pdf", pdf)));
        var signature = v.Attachments.Single().Signature;
        Assert.That(signature?.Status, Is.EqualTo(SignatureStatus.Invalid), Describe(v));
        Assert.That(signature!.Signatures.Single().Detail, Does.Contain("malformed or point outside the file"));
    }

    /// <summary>
    /// A mapping entry without a key made YamlDotNet's document model throw ArgumentException ("The current
    /// event is of an unsupported type"), which PolicyLoader.Load let escape: `policy check` and a reload died
    /// with an unhandled exception instead of naming the line.
    /// </summary>
    [TestCase("rules:\n  : reject\n", 2)]
    [TestCase("domains:\n  government: [gov.vn]\n? : x\n", 3)]
    public void AMappingEntryWithoutAKeyIsAPositionedError(string yaml, int line)
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(yaml));
        Assert.That(result.Policy, Is.Null);
        Assert.That(result.Errors, Is.Not.Empty);
        var error = result.Errors[0];
        Assert.That(error.File, Does.EndWith("policy.yaml"));
        Assert.That(error.Line, Is.EqualTo(line), error.ToString());
        Assert.That(error.Message, Does.Contain("YAML syntax error"));
    }

    /// <summary>A tag that is not a valid name made YamlDotNet's parser throw ArgumentException out of the guard pass.</summary>
    [TestCase("  !!b:[[&agov\0\0nment: [gnaYb")]
    [TestCase("!!lisven[er:")]
    [TestCase(" !!!b:[UQ\0\r")]
    public void AMalformedTagIsAPositionedErrorNotACrash(string yaml)
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(yaml));
        Assert.That(result.Policy, Is.Null);
        Assert.That(result.Errors, Is.Not.Empty);
        Assert.That(result.Errors[0].File, Does.EndWith("policy.yaml"));
        Assert.That(result.Errors[0].Message, Does.Contain("YAML"), result.Errors[0].ToString());
    }

    /// <summary>
    /// Mutated S/MIME signatures (the inputs afl-fuzz saved, unchanged) made BouncyCastle throw while
    /// CmsVerifier read certificates and signed attributes or looked up algorithms: DecoderFallbackException,
    /// ArgumentException, SecurityUtilityException escaped Policy.Evaluate. Such a signature is invalid.
    /// </summary>
    [TestCase("smime-certificate-name-not-utf8.eml")]
    [TestCase("smime-signed-attribute-tagged.eml")]
    [TestCase("smime-unknown-signature-algorithm.eml")]
    [TestCase("smime-unknown-key-algorithm.eml")]
    public void AMalformedSmimeSignatureIsInvalidNotACrash(string file)
    {
        var message = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "FuzzInputs", file));
        var v = Default.Evaluate(message, TestMessages.Envelope());
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.Invalid), Describe(v));
    }
}
