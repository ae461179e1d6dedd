using System.Collections.Concurrent;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// One parsed <see cref="X509Certificate"/> per distinct certificate (same DER bytes), kept for the life of a policy.
/// BouncyCastle checks an RSA key each time it builds one from a certificate: besides cheap tests, a Miller-Rabin round
/// that proves the modulus composite, a modular exponentiation as costly as an RSA private-key operation. It keeps the
/// key on the certificate object, but every signature parses its certificates anew, so without this the same keys
/// were checked again for every signature, timestamp and chain step (most of a PDF signature's CPU time). Equal bytes
/// are the same certificate, so handing back the object parsed first changes no outcome; each key is still checked
/// once, and a key that fails its check is not kept (BouncyCastle stores the key only once it has been built).
/// </summary>
internal sealed class CertificateCache
{
    /// <summary>Certificates kept at most; past it the cache starts again, so certificates sent by the million cost memory no longer than that.</summary>
    internal const int Capacity = 1024;

    private readonly ConcurrentDictionary<byte[], X509Certificate> _known = new(ByteArrayEquality.Instance);
    private readonly X509Certificate[] _permanent;

    /// <param name="permanent">Certificates always known (the trust folder's), whose objects a copy carried in a message resolves to.</param>
    public CertificateCache(IEnumerable<X509Certificate> permanent)
    {
        _permanent = permanent.ToArray();
        AddPermanent();
    }

    public int Count => _known.Count;

    /// <summary>The certificate already known with the same bytes, else <paramref name="certificate"/>, now known.</summary>
    public X509Certificate Intern(X509Certificate certificate)
    {
        var encoded = certificate.GetEncoded();
        if (_known.TryGetValue(encoded, out var known)) return known;
        if (_known.Count >= Capacity)
        {
            _known.Clear();
            AddPermanent();
        }
        return _known.GetOrAdd(encoded, certificate);
    }

    public List<X509Certificate> Intern(IEnumerable<X509Certificate> certificates) => certificates.Select(Intern).ToList();

    private void AddPermanent()
    {
        foreach (var anchor in _permanent) _known.TryAdd(anchor.GetEncoded(), anchor);
    }

    private sealed class ByteArrayEquality : IEqualityComparer<byte[]>
    {
        public static ByteArrayEquality Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
