using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Issue 20 point 5, as docs/OVERVIEW.md ("The host's folders") draws it: each folder of src/Gateway is one namespace,
/// and the top-level folders depend on each other one way. Read from the sources: a type declared in one folder and
/// named in another's code is a dependency.
/// </summary>
public partial class FolderDependencyTests
{
    private static readonly string HostRoot = Path.Combine(RepoPaths.Root, "src", "Gateway");

    [Test]
    public void Each_folder_of_the_host_is_its_own_namespace()
    {
        var wrong = new List<string>();
        foreach (var file in Sources())
        {
            var folder = Path.GetRelativePath(HostRoot, Path.GetDirectoryName(file)!).Replace('\\', '/');
            var expected = folder == "." ? "GovGateway" : "GovGateway." + Regex.Replace(folder, "^Console", "WebConsole").Replace('/', '.');
            var declared = NamespaceLine().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value : "(none)";
            if (declared != expected) wrong.Add($"{Path.GetRelativePath(HostRoot, file)}: {declared}, expected {expected}");
        }
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void The_host_folders_depend_on_each_other_one_way()
    {
        var uses = FolderUses();
        // The reading finds what is plainly there, so an empty graph cannot pass for a clean one.
        Assert.That(uses["Hosting"].Keys, Does.Contain("Spool").And.Contain("Pipeline"));
        Assert.That(uses["Cli"].Keys, Does.Contain("Hosting"));

        var cycles = new List<string>();
        foreach (var (from, targets) in uses)
            foreach (var to in targets.Keys)
                if (string.CompareOrdinal(from, to) < 0 && uses.TryGetValue(to, out var back) && back.ContainsKey(from))
                    cycles.Add($"{from} <-> {to}: {from} names {string.Join(", ", targets[to])}; {to} names {string.Join(", ", back[from])}");
        Assert.That(cycles, Is.Empty, "folders that use each other");
        Assert.That(LongerCycle(uses), Is.Null, "a cycle through several folders");
    }

    /// <summary>For each top-level folder, the other folders whose types its code names, with those type names.</summary>
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> FolderUses()
    {
        var files = Sources().ToList();
        var declaredIn = new Dictionary<string, string>();
        foreach (var file in files)
            foreach (Match m in TypeDeclaration().Matches(File.ReadAllText(file)))
                declaredIn[m.Groups[1].Value] = TopFolder(file);

        var uses = new Dictionary<string, Dictionary<string, SortedSet<string>>>();
        foreach (var file in files)
        {
            var from = TopFolder(file);
            var targets = uses.TryGetValue(from, out var t) ? t : uses[from] = new();
            var code = StringsAndComments().Replace(File.ReadAllText(file), "");
            foreach (Match m in Identifier().Matches(code))
                if (declaredIn.TryGetValue(m.Value, out var to) && to != from && to != ".")
                    (targets.TryGetValue(to, out var names) ? names : targets[to] = new(StringComparer.Ordinal)).Add(m.Value);
        }
        return uses;
    }

    private static string? LongerCycle(Dictionary<string, Dictionary<string, SortedSet<string>>> uses)
    {
        var state = new Dictionary<string, int>(); // 1: on the path, 2: done
        var path = new List<string>();
        string? Visit(string folder)
        {
            state[folder] = 1;
            path.Add(folder);
            foreach (var next in uses.TryGetValue(folder, out var t) ? t.Keys.ToList() : [])
            {
                if (state.GetValueOrDefault(next) == 1) return string.Join(" -> ", path.SkipWhile(f => f != next).Append(next));
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
            return null;
        }
        foreach (var folder in uses.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(folder) == 0 && Visit(folder) is { } cycle)
                return cycle;
        return null;
    }

    private static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(HostRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(HostRoot, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"));

    private static string TopFolder(string file) =>
        Path.GetRelativePath(HostRoot, file).Split(Path.DirectorySeparatorChar) is { Length: > 1 } parts ? parts[0] : ".";

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^(?:public |internal |file )?(?:sealed |static |abstract |partial |readonly )*(?:class|record struct|record|interface|enum|struct)\s+([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@?\$?""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex StringsAndComments();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();
}
