using GovGateway.Access;
using NUnit.Framework;
using GovGateway.Access.Auth;

namespace Gateway.Tests.Access;

public class PasswordHashTests
{
    [Test]
    public void Pbkdf2_alternative_verifies_with_its_stored_parameters()
    {
        var hash = PasswordHash.CreatePbkdf2("Mật khẩu");
        Assert.That(hash.Algorithm, Is.EqualTo(PasswordHash.Pbkdf2Sha256));
        Assert.That(hash.Iterations, Is.EqualTo(600_000));
        Assert.That(hash.Verify("Mật khẩu"), Is.True);
        Assert.That(hash.Verify("Mat khau"), Is.False);
    }

    [Test]
    public void Same_password_gets_different_salts()
    {
        var a = PasswordHash.CreateArgon2id("p");
        var b = PasswordHash.CreateArgon2id("p");
        Assert.That(a.Salt, Is.Not.EqualTo(b.Salt));
        Assert.That(a.Hash, Is.Not.EqualTo(b.Hash));
    }

    [Test]
    public void Tampered_or_absurd_entries_never_match_and_never_throw()
    {
        var good = PasswordHash.CreatePbkdf2("p", iterations: 1000);
        Assert.Multiple(() =>
        {
            Assert.That(good.Verify("p"), Is.True);
            Assert.That((good with { Hash = Convert.ToBase64String(new byte[32]) }).Verify("p"), Is.False);
            Assert.That((good with { Salt = "not base64!" }).Verify("p"), Is.False);
            Assert.That((good with { Algorithm = "md5" }).Verify("p"), Is.False);
            Assert.That((good with { Iterations = 2_000_000_000 }).Verify("p"), Is.False, "refused, not computed for minutes");
            Assert.That((PasswordHash.CreateArgon2id("p", memoryKiB: 64, iterations: 1) with { MemoryKiB = int.MaxValue }).Verify("p"), Is.False);
        });
    }
}
