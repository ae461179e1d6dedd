using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GovGateway.Policies.Configuration;

/// <summary>
/// Reads policy.yaml once as a stream of parser events, before any tree is built, and stops at the
/// first thing that would make building or walking the tree dangerous or its error unreadable:
/// nesting deeper than <see cref="MaxDepth"/> (YamlDotNet's node tree and our condition reader
/// recurse, so 40,000 levels overflow the stack, which no catch can stop), aliases that expand to
/// more than <see cref="MaxExpandedNodes"/> nodes (an "alias bomb" grows exponentially when the
/// conditions are walked), and syntax errors, which it reports at the construct that is really broken
/// (the line of the '[' or '{' never closed) instead of where the parser gave up.
/// The parser itself keeps its state on the heap, so this pass is safe whatever the input.
/// </summary>
internal static class PolicyYamlGuard
{
    /// <summary>A real policy nests about 8 levels (rules, a rule, when, any, a condition, a list).</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes the document would have with every alias replaced by what it names.</summary>
    public const long MaxExpandedNodes = 100_000;

    /// <summary>The shipped policy is about 10 KB; a megabyte is far beyond any hand-written policy.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>The first problem found, or null when the document may be loaded into a tree.</summary>
    public static PolicyError? Check(string file, string text)
    {
        var open = new Stack<(Mark Start, bool Flow, bool Mapping, long Nodes, AnchorName Anchor)>();
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart m:
                        if (open.Count >= MaxDepth) return TooDeep(file, m.Start);
                        open.Push((m.Start, m.Style == MappingStyle.Flow, true, 1, m.Anchor));
                        break;
                    case SequenceStart s:
                        if (open.Count >= MaxDepth) return TooDeep(file, s.Start);
                        open.Push((s.Start, s.Style == SequenceStyle.Flow, false, 1, s.Anchor));
                        break;
                    case MappingEnd or SequenceEnd:
                    {
                        var done = open.Pop();
                        if (!done.Anchor.IsEmpty) anchors[done.Anchor.Value] = done.Nodes;
                        if (Add(open, ref total, done.Nodes, parser.Current.Start) is { } bomb) return Bomb(file, bomb);
                        break;
                    }
                    case Scalar scalar:
                        if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                        if (Add(open, ref total, 1, scalar.Start) is { } big) return Bomb(file, big);
                        break;
                    case AnchorAlias alias:
                        // An unknown alias is YamlDotNet's to report, with its own words, when the tree is built.
                        var size = anchors.GetValueOrDefault(alias.Value.Value, 1);
                        if (Add(open, ref total, size, alias.Start) is { } expanded) return Bomb(file, expanded);
                        break;
                }
            }
            return null;
        }
        catch (YamlException ex)
        {
            return SyntaxError(file, text, ex.Start, Describe(ex), open.FirstOrDefault(o => o.Flow));
        }
        catch (ArgumentException ex)
        {
            // YamlDotNet's parser throws this for a malformed tag ("!!lisven[er:" -> "Global tags must be valid URIs";
            // found by fuzzing, fuzz/ policy-yaml). Name the line the parser had reached.
            var at = parser.Current?.End ?? new Mark(0, 1, 1);
            var what = ex.Message.StartsWith("Global tags", StringComparison.Ordinal)
                ? "a tag (a word after '!' or '!!') that is not a valid name; remove the '!'"
                : ex.Message.Split(" (Parameter", 2)[0];
            return new PolicyError(file, Line(at), Column(at), "YAML syntax error: " + what);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet throws this, without a position, for some unterminated constructs (e.g. "[a" at the end).
            var lines = text.Split('\n');
            var end = new Mark(text.Length, lines.Length, lines[^1].Length + 1);
            return SyntaxError(file, text, end, ex.Message, open.FirstOrDefault(o => o.Flow));
        }
    }

    private static Mark? Add(Stack<(Mark Start, bool Flow, bool Mapping, long Nodes, AnchorName Anchor)> open, ref long total, long nodes, Mark at)
    {
        total = Math.Min(total + nodes, long.MaxValue / 4);
        if (open.Count > 0)
        {
            var top = open.Pop();
            top.Nodes = Math.Min(top.Nodes + nodes, long.MaxValue / 4);
            open.Push(top);
            if (top.Nodes > MaxExpandedNodes) return at;
        }
        return total > MaxExpandedNodes ? at : null;
    }

    private static PolicyError TooDeep(string file, Mark at) =>
        new(file, Line(at), Column(at),
            $"the policy is nested more than {MaxDepth} levels deep here; a policy needs fewer than 10 (check for runaway '[', '{{' or indentation)");

    private static PolicyError Bomb(string file, Mark at) =>
        new(file, Line(at), Column(at),
            $"aliases ('*name') expand the policy to more than {MaxExpandedNodes:N0} items here; write the conditions out or use fewer nested aliases");

    private static PolicyError SyntaxError(string file, string text, Mark at, string detail,
        (Mark Start, bool Flow, bool Mapping, long Nodes, AnchorName Anchor) unclosed)
    {
        // The parser notices an unclosed '[' or '{' only where something no longer fits, often many lines
        // later (the next "key:" or the end of the file); the administrator has to fix the opening line.
        if (unclosed.Flow && Line(unclosed.Start) < Line(at))
        {
            var bracket = unclosed.Mapping ? "{" : "[";
            var closing = unclosed.Mapping ? "}" : "]";
            return new PolicyError(file, Line(unclosed.Start), Column(unclosed.Start),
                $"YAML syntax error: this '{bracket}' is never closed; add the missing '{closing}' on this line (the file could not be read further at line {Line(at)})");
        }
        // YamlDotNet reports an unclosed quote at the quote, in its own terms; say it plainly.
        if (detail.Contains("quoted scalar", StringComparison.OrdinalIgnoreCase) && Line(at) <= text.Split('\n').Length
            && text.Split('\n')[Line(at) - 1] is var line && Column(at) <= line.Length && line[Column(at) - 1] is '"' or '\'')
        {
            var quote = line[Column(at) - 1];
            return new PolicyError(file, Line(at), Column(at),
                $"YAML syntax error: the quote {quote} opened here is never closed; add the closing {quote} at the end of the text");
        }
        return new PolicyError(file, Line(at), Column(at), "YAML syntax error: " + detail);
    }

    /// <summary>
    /// YamlDotNet's message in an administrator's words where we know them, else without its
    /// "(Line: x, Col: y, ...)" prefix; the position is ours.
    /// </summary>
    public static string Describe(YamlException ex)
    {
        var message = ex.InnerException is { } inner && ex.Message.Contains("See inner", StringComparison.Ordinal) ? inner.Message : ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0) message = message[(cut + 3)..];
        return PlainWords(message);
    }

    private static string PlainWords(string parser)
    {
        if (parser.StartsWith("Duplicate key ", StringComparison.Ordinal))
            return $"the key '{parser["Duplicate key ".Length..].Trim()}' appears twice at the same place; keep one of them";
        if (parser.Contains("did not find expected '-' indicator", StringComparison.Ordinal))
            return "this line is not indented like the list above it: each item starts with '-' at the same indentation, and its keys line up under the first one";
        if (parser.Contains("did not find expected key", StringComparison.Ordinal))
            return "this line is not indented like the lines above it, or a ':' is missing after a key";
        if (parser.Contains("Mapping values are not allowed in this context", StringComparison.Ordinal))
            return "a ':' where no key may start: check the indentation, and put text that contains ': ' in quotes";
        if (parser.Contains("cannot start any token", StringComparison.Ordinal))
            return "a character that cannot start a value here (a tab, '@' or '`'?): indent with spaces and put such text in quotes";
        if (parser.Contains("Anchor", StringComparison.Ordinal) && parser.Contains("not found", StringComparison.Ordinal))
            return "an alias '*name' refers to no '&name' defined above it";
        return parser;
    }

    private static int Line(Mark mark) => (int)Math.Max(mark.Line, 1);
    private static int Column(Mark mark) => (int)Math.Max(mark.Column, 1);
}
