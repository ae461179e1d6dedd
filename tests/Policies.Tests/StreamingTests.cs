using System.Text;
using GovGateway.Policies.Tests.Fixtures;
using MimeKit;

namespace GovGateway.Policies.Tests;

/// <summary>
/// Issue 15 §2: evaluating a message read from its (spool) file does not copy its parts into memory. The guard is the
/// bytes the evaluating thread allocates, which does not depend on timing or on other processes: copying a 20 MB part
/// (as the analyser did with a MemoryStream per part) allocates at least 20 MB.
/// </summary>
public sealed class StreamingTests : PolicyFixture
{
    private const int PartBytes = 20 * 1024 * 1024;
    private const long AllocationBound = 8 * 1024 * 1024;

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("policy-streaming-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string WriteMessage(MimeMessage message)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".eml");
        using var file = File.Create(path);
        message.WriteTo(file);
        return path;
    }

    private static (Verdict Verdict, long Allocated) EvaluateFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var verdict = Default.Evaluate(stream, TestMessages.Envelope());
        return (verdict, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [OneTimeSetUp]
    public void WarmUp() => Evaluate(TestMessages.Message("x", "x", ("a.bin", "application/octet-stream", new byte[300_000])));

    [Test]
    public void A_base64_attachment_is_decoded_to_a_private_file_not_into_memory()
    {
        var data = new byte[PartBytes];
        new Random(15).NextBytes(data);
        var path = WriteMessage(TestMessages.Message("Dữ liệu", "Xin gửi.", ("du-lieu.bin", "application/octet-stream", data)));

        var (verdict, allocated) = EvaluateFile(path);

        var attachment = verdict.Attachments.Single();
        Assert.That(attachment.Size, Is.EqualTo(PartBytes));
        Assert.That(attachment.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data))));
        Assert.That(allocated, Is.LessThan(AllocationBound), $"{allocated:N0} bytes allocated for a {PartBytes:N0}-byte part");
    }

    [Test]
    public void A_large_text_body_is_read_in_chunks()
    {
        var line = "Nội dung báo cáo tình hình thực hiện nhiệm vụ của các cơ quan, đơn vị trên địa bàn tỉnh.\n";
        var body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(line, PartBytes / line.Length)) + "TỐI MẬT\n" };
        body.ContentTransferEncoding = ContentEncoding.EightBit;
        var message = TestMessages.Message("Thông tin", "x");
        message.Body = body;
        var path = WriteMessage(message);

        var (verdict, allocated) = EvaluateFile(path);

        Assert.That(verdict.Reasons.Select(r => r.Rule), Does.Contain("secret"), "the stamp at the very end is still found");
        Assert.That(allocated, Is.LessThan(AllocationBound), $"{allocated:N0} bytes allocated for a {PartBytes:N0}-byte body");
    }

    [Test]
    public void A_signed_pdf_is_verified_from_the_file_not_copied_into_memory()
    {
        // 20 MB of incompressible padding inside the signed byte ranges, like a scanned report.
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report(), paddingBytes: PartBytes);
        var path = WriteMessage(TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.", ("bao-cao-112.pdf", "application/pdf", pdf)));

        var (verdict, allocated) = EvaluateFile(path);

        var signature = verdict.Attachments.Single().Signature;
        Assert.That(signature?.Status, Is.EqualTo(SignatureStatus.Valid), Describe(verdict));
        Assert.That(signature!.Signatures.Single().CoversWholeFile, Is.True);
        Assert.That(allocated, Is.LessThan(AllocationBound), $"{allocated:N0} bytes allocated for a {pdf.Length:N0}-byte signed PDF");
    }

    [Test]
    public void A_changed_byte_deep_inside_a_large_signed_pdf_is_still_found()
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report(), paddingBytes: PartBytes);
        pdf[pdf.Length / 2] ^= 0x01; // inside the padding stream, far from the signature dictionary
        var path = WriteMessage(TestMessages.Message("Báo cáo quý I", "x", ("bao-cao-112.pdf", "application/pdf", pdf)));

        var (verdict, _) = EvaluateFile(path);

        Assert.That(verdict.Attachments.Single().Signature?.Status, Is.EqualTo(SignatureStatus.Invalid), Describe(verdict));
    }

    [Test]
    public void An_smime_signed_part_is_hashed_from_the_file_not_copied_into_memory()
    {
        var data = new byte[PartBytes];
        new Random(15).NextBytes(data);
        var message = TestMessages.SignDetached(
            TestMessages.Message("Dữ liệu", "Kính gửi Văn phòng UBND tỉnh.", ("du-lieu.bin", "application/octet-stream", data)), Pki.Valid);
        var path = WriteMessage(message);

        var (verdict, allocated) = EvaluateFile(path);

        Assert.That(verdict.Smime.Status, Is.EqualTo(SignatureStatus.Valid), Describe(verdict));
        Assert.That(verdict.Attachments.Single().Size, Is.EqualTo(PartBytes));
        Assert.That(allocated, Is.LessThan(AllocationBound), $"{allocated:N0} bytes allocated for a {PartBytes:N0}-byte signed part");
    }

    // The signature finder reads chunks of 1 MiB + 8 KiB and carries the last 8 KiB over to the next one.
    [TestCase(1024 * 1024 - 1)]
    [TestCase(1024 * 1024)]
    [TestCase(1024 * 1024 + 8192 - 5)]
    [TestCase(2 * 1024 * 1024 - 3)]
    [TestCase(2 * 1024 * 1024 + 8192 - 12)]
    public void A_byte_range_across_the_scanners_chunk_ends_is_found(int offset)
    {
        // Found (a report with one signature, invalid because these ranges do not fit the file), not missed (no report).
        var head = "%PDF-1.7\n%"u8.ToArray();
        var pdf = new byte[3 * 1024 * 1024];
        Array.Fill(pdf, (byte)'x');
        head.CopyTo(pdf, 0);
        var dictionary = "/ByteRange [0 10 5000000 30] /Contents <00>"u8.ToArray();
        dictionary.CopyTo(pdf, offset);

        var verdict = Evaluate(TestMessages.Message("Dữ liệu", "x", ("tai-lieu.pdf", "application/pdf", pdf)));

        var signature = verdict.Attachments.Single().Signature;
        Assert.That(signature, Is.Not.Null, "the signature dictionary was missed");
        Assert.That(signature!.Signatures, Has.Count.EqualTo(1));
        Assert.That(signature.Status, Is.EqualTo(SignatureStatus.Invalid));
    }
}
