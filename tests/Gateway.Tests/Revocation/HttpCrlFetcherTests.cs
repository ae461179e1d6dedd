using System.Net;
using Gateway.Tests.Support;
using GovGateway.Revocation;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Gateway.Tests.Revocation;

/// <summary>
/// CRL fetching against a real HTTP server on loopback: a list is fetched once and kept until its nextUpdate, a
/// failure is remembered for RetryAfter (one slow CA costs one timeout, not one per message), and a server slower
/// than Timeout or larger than MaxBytes gives nothing.
/// </summary>
[TestFixture]
public sealed class HttpCrlFetcherTests
{
    private HttpListener _server = null!;
    private string _base = null!;
    private readonly Dictionary<string, int> _hits = new();
    private byte[] _crl = null!;

    [SetUp]
    public void SetUp()
    {
        _crl = MakeCrl(DateTime.UtcNow.AddDays(7));
        var port = Ports.Free();
        _base = $"http://127.0.0.1:{port}/";
        _server = new HttpListener();
        _server.Prefixes.Add(_base);
        _server.Start();
        _ = Task.Run(ServeAsync);
    }

    [TearDown]
    public void TearDown() => _server.Close();

    private async Task ServeAsync()
    {
        while (_server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _server.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            lock (_hits) _hits[path] = _hits.GetValueOrDefault(path) + 1;
            try
            {
                switch (path)
                {
                    case "/ca.crl":
                        await context.Response.OutputStream.WriteAsync(_crl);
                        break;
                    case "/slow.crl":
                        await Task.Delay(3000);
                        await context.Response.OutputStream.WriteAsync(_crl);
                        break;
                    case "/huge.crl":
                        await context.Response.OutputStream.WriteAsync(new byte[64 * 1024]);
                        break;
                    default:
                        context.Response.StatusCode = 404;
                        break;
                }
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
            {
                // the client gave up (timeout test)
            }
        }
    }

    private int Hits(string path)
    {
        lock (_hits) return _hits.GetValueOrDefault(path);
    }

    private HttpCrlFetcher Fetcher(TimeSpan? timeout = null, long maxBytes = 1024 * 1024) =>
        new(new CrlFetchOptions { Enabled = true, Timeout = timeout ?? TimeSpan.FromSeconds(5), MaxBytes = maxBytes, RetryAfter = TimeSpan.FromMinutes(5) },
            NullLogger.Instance);

    [Test]
    public void A_list_is_fetched_once_and_kept_until_its_next_update()
    {
        using var fetcher = Fetcher();
        var first = fetcher.Fetch(new Uri(_base + "ca.crl"), CancellationToken.None);
        var second = fetcher.Fetch(new Uri(_base + "ca.crl"), CancellationToken.None);
        Assert.That(first, Is.EqualTo(_crl));
        Assert.That(second, Is.EqualTo(_crl));
        Assert.That(Hits("/ca.crl"), Is.EqualTo(1));
    }

    [Test]
    public void A_failure_gives_nothing_and_is_not_retried_at_once()
    {
        using var fetcher = Fetcher();
        Assert.That(fetcher.Fetch(new Uri(_base + "missing.crl"), CancellationToken.None), Is.Null);
        Assert.That(fetcher.Fetch(new Uri(_base + "missing.crl"), CancellationToken.None), Is.Null);
        Assert.That(Hits("/missing.crl"), Is.EqualTo(1));
    }

    [Test]
    public void A_slow_server_costs_one_timeout()
    {
        using var fetcher = Fetcher(TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(fetcher.Fetch(new Uri(_base + "slow.crl"), CancellationToken.None), Is.Null);
        Assert.That(fetcher.Fetch(new Uri(_base + "slow.crl"), CancellationToken.None), Is.Null);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)));
    }

    [Test]
    public void A_list_larger_than_max_bytes_is_refused()
    {
        using var fetcher = Fetcher(maxBytes: 16 * 1024);
        Assert.That(fetcher.Fetch(new Uri(_base + "huge.crl"), CancellationToken.None), Is.Null);
    }

    [Test]
    public void Mistyped_settings_are_named()
    {
        var problems = new CrlFetchOptions { Timeout = TimeSpan.Zero, MaxBytes = 0 }.Validate();
        Assert.That(problems, Has.Some.Contains("CrlFetch:Timeout").And.Some.Contains("CrlFetch:MaxBytes"));
    }

    private static byte[] MakeCrl(DateTime nextUpdate)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        var key = generator.GenerateKeyPair();
        var crl = new X509V2CrlGenerator();
        crl.SetIssuerDN(new X509Name("CN=CA TEST"));
        crl.SetThisUpdate(DateTime.UtcNow.AddHours(-1));
        crl.SetNextUpdate(nextUpdate);
        crl.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.One));
        return crl.Generate(new Asn1SignatureFactory("SHA256WithRSA", key.Private)).GetEncoded();
    }
}
