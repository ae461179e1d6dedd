using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Cms;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// The digests of a signature's detached content, computed with .NET's hash functions (which use the processor's SHA
/// instructions; BouncyCastle's are managed code, several times slower on a megabyte PDF) in one read of the content,
/// for BouncyCastle to compare with each signer's message-digest attribute exactly as when it hashes the content itself.
/// Only for the usual cases, where the hash BouncyCastle would choose is certain: signed attributes present, RSA PKCS#1
/// v1.5 or ECDSA, SHA-1/SHA-2. Anything else returns null and BouncyCastle hashes the content as before.
/// </summary>
internal static class ContentDigests
{
    private static readonly Dictionary<string, HashAlgorithmName> DigestAlgorithms = new()
    {
        ["1.3.14.3.2.26"] = HashAlgorithmName.SHA1,
        ["2.16.840.1.101.3.4.2.1"] = HashAlgorithmName.SHA256,
        ["2.16.840.1.101.3.4.2.2"] = HashAlgorithmName.SHA384,
        ["2.16.840.1.101.3.4.2.3"] = HashAlgorithmName.SHA512,
    };

    /// <summary>Signature algorithms that name their hash: BouncyCastle hashes the content with it, whatever the digest algorithm field says.</summary>
    private static readonly Dictionary<string, HashAlgorithmName> SignatureAlgorithms = new()
    {
        ["1.2.840.113549.1.1.5"] = HashAlgorithmName.SHA1, // sha1WithRSAEncryption
        ["1.2.840.113549.1.1.11"] = HashAlgorithmName.SHA256,
        ["1.2.840.113549.1.1.12"] = HashAlgorithmName.SHA384,
        ["1.2.840.113549.1.1.13"] = HashAlgorithmName.SHA512,
        ["1.2.840.10045.4.1"] = HashAlgorithmName.SHA1, // ecdsa-with-SHA1
        ["1.2.840.10045.4.3.2"] = HashAlgorithmName.SHA256,
        ["1.2.840.10045.4.3.3"] = HashAlgorithmName.SHA384,
        ["1.2.840.10045.4.3.4"] = HashAlgorithmName.SHA512,
    };

    /// <summary>Key algorithms given as the signature algorithm, for which BouncyCastle takes the hash from the digest algorithm field.</summary>
    private static readonly HashSet<string> KeyOnlyAlgorithms = ["1.2.840.113549.1.1.1" /* rsaEncryption */, "1.2.840.10045.2.1" /* id-ecPublicKey */];

    /// <summary>
    /// The digest of <paramref name="content"/> for each signer, keyed as <see cref="CmsSignedData(IDictionary{string, byte[]}, ContentInfo)"/>
    /// looks them up (the signer's digest algorithm OID); null when a signer is not one of the usual cases.
    /// </summary>
    public static Dictionary<string, byte[]>? Compute(SignedData signedData, CmsTypedData content)
    {
        var wanted = new Dictionary<string, HashAlgorithmName>(StringComparer.Ordinal);
        foreach (var element in signedData.SignerInfos)
        {
            var info = SignerInfo.GetInstance(element);
            if (info.SignedAttrs is null) return null; // the signature is over the content itself: BouncyCastle's raw verifiers
            if (HashOf(info) is not { } hash) return null;
            var key = info.DigestAlgorithm.Algorithm.Id;
            if (wanted.TryGetValue(key, out var other) && other != hash) return null;
            wanted[key] = hash;
        }
        if (wanted.Count == 0) return null;

        var hashes = wanted.Values.Distinct().ToDictionary(h => h, IncrementalHash.CreateHash);
        try
        {
            using (var sink = new HashSink(hashes.Values))
                content.Write(sink);
            var digests = hashes.ToDictionary(h => h.Key, h => h.Value.GetHashAndReset());
            return wanted.ToDictionary(w => w.Key, w => digests[w.Value], StringComparer.Ordinal);
        }
        finally
        {
            foreach (var hash in hashes.Values) hash.Dispose();
        }
    }

    /// <summary>The digest of <paramref name="content"/> under <paramref name="algorithm"/>; null when .NET has no such hash here.</summary>
    public static byte[]? Compute(DerObjectIdentifier algorithm, CmsTypedData content)
    {
        if (!DigestAlgorithms.TryGetValue(algorithm.Id, out var name)) return null;
        using var hash = IncrementalHash.CreateHash(name);
        using (var sink = new HashSink([hash]))
            content.Write(sink);
        return hash.GetHashAndReset();
    }

    /// <summary>The hash BouncyCastle's SignerInformation would use for this signer (as its DoVerify picks it), if one of ours.</summary>
    private static HashAlgorithmName? HashOf(SignerInfo info)
    {
        var signature = info.SignatureAlgorithm.Algorithm.Id;
        if (SignatureAlgorithms.TryGetValue(signature, out var named)) return named;
        if (KeyOnlyAlgorithms.Contains(signature) && DigestAlgorithms.TryGetValue(info.DigestAlgorithm.Algorithm.Id, out var digest)) return digest;
        return null;
    }

    /// <summary>A write-only stream that feeds every hash the same bytes.</summary>
    private sealed class HashSink(IReadOnlyCollection<IncrementalHash> hashes) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            foreach (var hash in hashes) hash.AppendData(buffer);
        }

        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
