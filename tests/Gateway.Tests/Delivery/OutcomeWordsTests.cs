using System.Reflection;
using GovGateway.Audit;
using GovGateway.Delivery;
using NUnit.Framework;

namespace Gateway.Tests.Delivery;

/// <summary>
/// Delivery outcomes have one set of words, the audit library's (<see cref="AuditOutcomes"/>): the host reports and
/// counts them in those words and declares no second set that could drift from it.
/// </summary>
[TestFixture]
public sealed class OutcomeWordsTests
{
    [Test]
    public void The_host_declares_no_second_set_of_outcome_words()
    {
        var outcomes = typeof(AuditOutcomes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var duplicates = typeof(DeliveryService).Assembly.GetTypes()
            .Select(t => (Type: t, Words: t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string) && outcomes.Contains((string)f.GetRawConstantValue()!)).Select(f => f.Name).ToList()))
            .Where(t => t.Words.Count >= 3)
            .Select(t => $"{t.Type.FullName}: {string.Join(", ", t.Words)}")
            .ToList();
        Assert.That(duplicates, Is.Empty, "outcome words declared apart from GovGateway.Audit.AuditOutcomes");
    }
}
