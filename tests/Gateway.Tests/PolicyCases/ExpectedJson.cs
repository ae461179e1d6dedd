using System.Text.Json;

namespace Gateway.Tests.PolicyCases;

/// <summary>
/// Compares what a case expects with what was said, on what the case names: every property of an expected object must
/// be in the actual one and match (others are not looked at); an array matches element by element and in length;
/// a number, string, true/false or null matches only itself.
/// </summary>
public static class ExpectedJson
{
    public static List<string> Differences(JsonElement expected, JsonElement actual, string path)
    {
        var differences = new List<string>();
        Compare(expected, actual, path, differences);
        return differences;
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind && !(IsBoolean(expected) && IsBoolean(actual)))
        {
            differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
            return;
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in expected.EnumerateObject())
                {
                    if (actual.TryGetProperty(property.Name, out var value))
                        Compare(property.Value, value, $"{path}.{property.Name}", differences);
                    else
                        differences.Add($"{path}.{property.Name}: expected {property.Value.GetRawText()}, but there is no such property " +
                                        $"(it has: {string.Join(", ", actual.EnumerateObject().Select(p => p.Name))})");
                }
                break;
            case JsonValueKind.Array:
                var (want, got) = (expected.GetArrayLength(), actual.GetArrayLength());
                if (want != got)
                    differences.Add($"{path}: expected {want} element(s), got {got}: {actual.GetRawText()}");
                for (var i = 0; i < Math.Min(want, got); i++)
                    Compare(expected[i], actual[i], $"{path}[{i}]", differences);
                break;
            case JsonValueKind.String:
                if (expected.GetString() != actual.GetString())
                    differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
            case JsonValueKind.Number:
                if (expected.GetDecimal() != actual.GetDecimal())
                    differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
            case JsonValueKind.True or JsonValueKind.False:
                if (expected.GetBoolean() != actual.GetBoolean())
                    differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
        }
    }

    private static bool IsBoolean(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;
}
