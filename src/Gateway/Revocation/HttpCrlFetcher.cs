using System.Collections.Concurrent;
using GovGateway.Policies;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.X509;

namespace GovGateway.Revocation;

/// <summary>
/// <see cref="ICrlFetcher"/> over HTTP with a memory cache: a list is kept until its nextUpdate (at most
/// <see cref="CrlFetchOptions.MaxCacheAge"/> past it), a failure for <see cref="CrlFetchOptions.RetryAfter"/>. The
/// policy checks what comes back (issuer, signature, freshness); this class only bounds time and size.
/// </summary>
internal sealed class HttpCrlFetcher : ICrlFetcher, IDisposable
{
    private readonly CrlFetchOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<Uri, (byte[]? Bytes, DateTimeOffset Until)> _cache = new();

    public HttpCrlFetcher(CrlFetchOptions options, ILogger logger, TimeProvider? clock = null, HttpMessageHandler? handler = null)
    {
        _options = options;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = options.Timeout;
        _http.MaxResponseContentBufferSize = options.MaxBytes;
    }

    public byte[]? Fetch(Uri distributionPoint, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(distributionPoint, out var cached) && cached.Until > now) return cached.Bytes;
        byte[]? bytes = null;
        var until = now + _options.RetryAfter;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, distributionPoint);
            using var response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentLength > _options.MaxBytes)
                throw new InvalidDataException($"the list is {response.Content.Headers.ContentLength} bytes, more than CrlFetch:MaxBytes");
            using var body = response.Content.ReadAsStream(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = body.Read(chunk)) > 0)
            {
                if (buffer.Length + read > _options.MaxBytes) throw new InvalidDataException("the list is larger than CrlFetch:MaxBytes");
                buffer.Write(chunk, 0, read);
            }
            bytes = buffer.ToArray();
            var next = new X509CrlParser().ReadCrl(bytes)?.NextUpdate;
            until = next is { } n && n.ToUniversalTime() > now.UtcDateTime ? new DateTimeOffset(n.ToUniversalTime(), TimeSpan.Zero) : now + _options.MaxCacheAge;
            _logger.LogInformation("Fetched the CRL at {Url} ({Bytes} bytes), kept until {Until:u}", distributionPoint, bytes.Length, until);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or OperationCanceledException or TaskCanceledException
                                       or Org.BouncyCastle.Security.Certificates.CrlException or Org.BouncyCastle.Asn1.Asn1Exception or ArgumentException)
        {
            bytes = null;
            _logger.LogWarning("Cannot fetch the CRL at {Url}: {Error}; revocation from that CA stays unknown, next try after {Until:u}",
                distributionPoint, ex.Message, until);
        }
        _cache[distributionPoint] = (bytes, until);
        return bytes;
    }

    public void Dispose() => _http.Dispose();
}
