using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.Hosting;

/// <summary>
/// ./test.sh as a new user types it: its own help, and its own option anywhere among dotnet's. A stand-in
/// `dotnet` first on PATH records what the script hands over, so no test run starts.
/// </summary>
[TestFixture]
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TestScriptTests
{
    private string _bin = null!;

    [SetUp]
    public void SetUp()
    {
        _bin = TempFolders.Create("testsh-bin");
        var fake = Path.Combine(_bin, "dotnet");
        File.WriteAllText(fake, "#!/bin/sh\nprintf 'dotnet-args:'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_bin, recursive: true);

    private Task<ToolResult> Run(params string[] args) =>
        ToolRunner.RunAsync("env", new[] { "PATH=" + _bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "bash", Path.Combine(RepoPaths.Root, "test.sh") }.Concat(args),
            timeout: TimeSpan.FromSeconds(60));

    [TestCase("--help")]
    [TestCase("-h")]
    public async Task Help_prints_the_scripts_own_usage_and_runs_nothing(string flag)
    {
        var result = await Run(flag);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.All);
            Assert.That(result.StdOut, Does.StartWith("Usage: ./test.sh"));
            Assert.That(result.StdOut, Does.Contain("--no-install"));
            Assert.That(result.All, Does.Not.Contain("dotnet-args:"), "help must not start dotnet test");
        });
    }

    [Test]
    public async Task No_install_after_dotnet_options_is_the_scripts_and_the_rest_goes_to_dotnet_test_unchanged()
    {
        var result = await Run("--filter", "FullyQualifiedName~Relay Name", "--no-install");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.All);
        Assert.That(result.StdOut, Does.Contain(
            "dotnet-args: [test] [Gateway.sln] [--logger] [trx] [--results-directory] [TestResults] [--filter] [FullyQualifiedName~Relay Name]"
            + Environment.NewLine));
    }

    [Test]
    public async Task No_arguments_runs_dotnet_test_with_only_the_scripts_own()
    {
        var result = await Run("--no-install");
        Assert.That(result.StdOut, Does.Contain(
            "dotnet-args: [test] [Gateway.sln] [--logger] [trx] [--results-directory] [TestResults]" + Environment.NewLine), result.All);
    }
}
