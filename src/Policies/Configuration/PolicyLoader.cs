using System.Security.Cryptography;
using System.Text;
using GovGateway.Policies.Signatures;

namespace GovGateway.Policies;

/// <summary>Loads policy.yaml and the trust folder from a configuration folder.</summary>
public static class PolicyLoader
{
    public const string PolicyFileName = "policy.yaml";
    public const string TrustFolderName = "trust";
    internal const string EmbeddedName = "embedded:policy.yaml";

    /// <summary>
    /// Reads <c>configDir/policy.yaml</c> (or the built-in default when absent) and <c>configDir/trust/</c>.
    /// A policy with any error is never returned.
    /// </summary>
    public static PolicyLoadResult Load(string configDir) => Load(configDir, TimeProvider.System);

    /// <summary>As <see cref="Load(string)"/> with a clock for certificate validity (tests).</summary>
    public static PolicyLoadResult Load(string configDir, TimeProvider clock) => Load(configDir, clock, null);

    /// <summary>
    /// As <see cref="Load(string)"/>, with a host's <paramref name="crlFetcher"/> for certificates whose issuer has no
    /// fresh CRL in the trust folder or the document (null: offline, the default).
    /// </summary>
    public static PolicyLoadResult Load(string configDir, TimeProvider clock, ICrlFetcher? crlFetcher)
    {
        var path = Path.Combine(configDir, PolicyFileName);
        byte[] bytes;
        string source;
        try
        {
            if (File.Exists(path))
            {
                // Refuse an oversized file before reading it all into memory.
                if (new FileInfo(path).Length > Configuration.PolicyYamlGuard.MaxFileBytes)
                    return new PolicyLoadResult(null, [new PolicyError(path, 1, 1,
                        $"the policy file is {new FileInfo(path).Length:N0} bytes; a policy may be at most {Configuration.PolicyYamlGuard.MaxFileBytes:N0} bytes (is this the right file?)")]);
                bytes = File.ReadAllBytes(path);
                source = path;
            }
            else
            {
                bytes = DefaultPolicyBytes();
                source = EmbeddedName;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new PolicyLoadResult(null, [new PolicyError(path, 1, 1, $"cannot read the policy file: {ex.Message}")]);
        }

        var errors = new List<PolicyError>();
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return new PolicyLoadResult(null, [new PolicyError(source, 1, 1, "the policy file is not UTF-8 text; save it as UTF-8")]);
        }
        var (settings, rules, yamlErrors) = Configuration.PolicyYamlReader.Read(source, text);
        errors.AddRange(yamlErrors);
        var trust = TrustStore.Load(Path.Combine(configDir, TrustFolderName), errors);
        if (errors.Count > 0 || settings is null)
            return new PolicyLoadResult(null, errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList());
        var version = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return new PolicyLoadResult(new Policy(version, source, settings, rules, trust, clock, crlFetcher), errors);
    }

    /// <summary>The shipped default policy (identical to config/policy.yaml).</summary>
    public static byte[] DefaultPolicyBytes()
    {
        using var stream = typeof(PolicyLoader).Assembly.GetManifestResourceStream("GovGateway.Policies.policy.yaml")
            ?? throw new InvalidOperationException("the default policy resource is missing from the assembly");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
