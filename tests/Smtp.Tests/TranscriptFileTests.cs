using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

/// <summary>Each conversation in Transcripts/ replayed against the engine (see Transcripts/README.md).</summary>
[TestFixture]
public class TranscriptFileTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    public static IEnumerable<TestCaseData> Files() =>
        Directory.GetFiles(TranscriptFile.Folder, "*.txt").Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetName(Path.GetFileNameWithoutExtension(path)));

    [TestCaseSource(nameof(Files))]
    public Task Plays_as_written(string file) => TranscriptFile.PlayAsync(_server, Path.Combine(TranscriptFile.Folder, file));

    [Test]
    public void A_mistyped_directive_is_refused_naming_the_directives()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"typo-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "@conect relay\n");
        try
        {
            var ex = Assert.ThrowsAsync<ArgumentException>(() => TranscriptFile.PlayAsync(_server, path));
            Assert.That(ex!.Message, Does.Contain(":1: '@conect relay'").And.Contain("@connect, @connect-tls"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
