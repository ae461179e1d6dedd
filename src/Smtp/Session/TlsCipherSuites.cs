using System.Net.Security;

namespace GovGateway.Smtp.Session;

/// <summary>
/// The cipher suites the server offers where the platform lets us choose (OpenSSL on Linux, macOS):
/// forward-secret AEAD suites only, no CBC (Lucky13, padding oracles) and no static RSA key exchange.
/// Elsewhere (Windows) the system's policy decides and <see cref="Policy"/> is null.
/// </summary>
internal static class TlsCipherSuites
{
    /// <summary>TLS 1.3 suites (all AEAD) and the ECDHE/DHE AES-GCM and ChaCha20-Poly1305 suites of TLS 1.2.</summary>
    internal static readonly TlsCipherSuite[] Allowed =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    ];

    // Declared after Allowed: static fields initialise in text order.
    public static readonly CipherSuitesPolicy? Policy = Create();

    private static CipherSuitesPolicy? Create()
    {
        if (OperatingSystem.IsWindows())
            return null;
        try
        {
            return new CipherSuitesPolicy(Allowed);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }
}
