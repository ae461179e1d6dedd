using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Konscious.Security.Cryptography;

namespace GovGateway.Access.Auth;

/// <summary>
/// A stored password: algorithm, its parameters, salt and hash, so the scheme can be strengthened
/// later without invalidating existing entries. Default Argon2id m=19 MiB, t=2, p=1 (the OWASP
/// baseline); PBKDF2-HMAC-SHA256 with 600,000 iterations is the alternative.
/// Verification recomputes with the stored parameters and compares in constant time.
/// </summary>
internal sealed record PasswordHash
{
    public const string Argon2id = "argon2id";
    public const string Pbkdf2Sha256 = "pbkdf2-sha256";

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Ceilings for parameters read from the file: a tampered or mistyped entry must not make one
    // login attempt eat gigabytes or minutes.
    private const int MaxMemoryKiB = 1024 * 1024;
    private const int MaxArgonIterations = 64;
    private const int MaxPbkdf2Iterations = 20_000_000;

    [JsonPropertyName("algorithm")] public required string Algorithm { get; init; }
    /// <summary>Argon2 memory in KiB (unused for PBKDF2).</summary>
    [JsonPropertyName("memoryKiB")] public int MemoryKiB { get; init; }
    /// <summary>Argon2 passes, or PBKDF2 iterations.</summary>
    [JsonPropertyName("iterations")] public required int Iterations { get; init; }
    /// <summary>Argon2 lanes (unused for PBKDF2).</summary>
    [JsonPropertyName("parallelism")] public int Parallelism { get; init; }
    [JsonPropertyName("salt")] public required string Salt { get; init; }
    [JsonPropertyName("hash")] public required string Hash { get; init; }

    public static PasswordHash CreateArgon2id(string password, int memoryKiB = 19 * 1024, int iterations = 2, int parallelism = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = ComputeArgon2id(password, salt, memoryKiB, iterations, parallelism, HashBytes);
        return new PasswordHash
        {
            Algorithm = Argon2id,
            MemoryKiB = memoryKiB,
            Iterations = iterations,
            Parallelism = parallelism,
            Salt = Convert.ToBase64String(salt),
            Hash = Convert.ToBase64String(hash),
        };
    }

    public static PasswordHash CreatePbkdf2(string password, int iterations = 600_000)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Bytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return new PasswordHash
        {
            Algorithm = Pbkdf2Sha256,
            Iterations = iterations,
            Salt = Convert.ToBase64String(salt),
            Hash = Convert.ToBase64String(hash),
        };
    }

    /// <summary>True when the password matches. A malformed entry never matches (and never throws).</summary>
    public bool Verify(string password)
    {
        // No account has an empty password (creation refuses one), and Argon2 cannot hash it.
        if (string.IsNullOrEmpty(password))
            return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(Salt);
            expected = Convert.FromBase64String(Hash);
        }
        catch (FormatException)
        {
            return false;
        }
        if (salt.Length < 8 || expected.Length is < 16 or > 64)
            return false;

        byte[] actual;
        switch (Algorithm)
        {
            case Argon2id when MemoryKiB is >= 8 and <= MaxMemoryKiB
                               && Iterations is >= 1 and <= MaxArgonIterations
                               && Parallelism is >= 1 and <= 16:
                actual = ComputeArgon2id(password, salt, MemoryKiB, Iterations, Parallelism, expected.Length);
                break;
            case Pbkdf2Sha256 when Iterations is >= 1 and <= MaxPbkdf2Iterations:
                actual = Rfc2898DeriveBytes.Pbkdf2(Bytes(password), salt, Iterations, HashAlgorithmName.SHA256, expected.Length);
                break;
            default:
                return false;
        }
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] ComputeArgon2id(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        using var argon = new Argon2id(Bytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(length);
    }

    // Vietnamese passwords typed on different systems arrive as NFC or NFD; hash one form.
    private static byte[] Bytes(string password) => Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormC));
}
