using System.Net;
using GovGateway.Access;
using NUnit.Framework;
using GovGateway.Access.Auth;

namespace Gateway.Tests.Access;

/// <summary>The real `gateway users` executable, password piped on standard input as an operator would.</summary>
public class UsersCliProcessTests
{
    [Test]
    public async Task Add_with_password_on_a_pipe_then_a_running_store_authenticates()
    {
        var root = Directory.CreateTempSubdirectory("access-cli-proc-").FullName;
        try
        {
            var add = await GatewayBinary.RunAsync(["users", "add", "vanthu@bộ.gov.vn", "--password-stdin",
                "--config", Path.Combine(root, "config"), "--data", Path.Combine(root, "data")], stdin: "Đường dài 2026\n");
            Assert.That(add.ExitCode, Is.EqualTo(0), add.StdErr);
            Assert.That(add.StdOut, Does.Contain("Added vanthu@bộ.gov.vn"));

            var store = new LocalUserStore(Path.Combine(root, "data", "users.json"));
            var outcome = await store.AuthenticateAsync("vanthu@xn--b-8xm.gov.vn", "Đường dài 2026", IPAddress.Loopback, default);
            Assert.That(outcome.Status, Is.EqualTo(AuthStatus.Success), "punycode login of the same user, password typed in Vietnamese");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
