using System.Diagnostics;
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
            var gatewayDll = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "exec", gatewayDll, "users", "add", "vanthu@bộ.gov.vn", "--password-stdin",
                         "--config", Path.Combine(root, "config"), "--data", Path.Combine(root, "data") })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            await process.StandardInput.WriteLineAsync("Đường dài 2026");
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.That(process.ExitCode, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain("Added vanthu@bộ.gov.vn"));

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
