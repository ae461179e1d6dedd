using System.Globalization;
using System.Text;
using System.Xml;

namespace GovGateway.Policies.Documents;

/// <summary>
/// The header of an edXML package (QCVN 102:2016/BTTTT), as document-management systems exchange them: the strongest
/// evidence of a document's type and number, since the sending system wrote it from its register. Elements are read by
/// local name (producers disagree on the namespace URI); DTDs are ignored, nothing is fetched. The body's embedded
/// files are not unpacked.
/// </summary>
internal static class EdxmlPackage
{
    /// <summary>True when the text starts like an edXML envelope.</summary>
    public static bool Looks(byte[] head)
    {
        var text = Encoding.UTF8.GetString(head);
        return text.Contains("edXMLEnvelope", StringComparison.OrdinalIgnoreCase) || text.Contains("edXMLHeader", StringComparison.OrdinalIgnoreCase);
    }

    public sealed record Header(DocumentMetadata Metadata, string? TypeName);

    /// <summary>Reads the message header; null when the XML has no edXML MessageHeader.</summary>
    public static Header? Read(Stream data)
    {
        data.Position = 0;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 64L * 1024 * 1024,
        };
        using var reader = XmlReader.Create(data, settings);
        var path = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var recipients = new List<string>();
        var sawHeader = false;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.LocalName == "edXMLBody") return sawHeader ? Build(values, recipients) : null;
                    if (reader.LocalName == "MessageHeader") sawHeader = true;
                    if (!reader.IsEmptyElement) path.Add(reader.LocalName);
                    break;
                case XmlNodeType.EndElement:
                    if (path.Count > 0) path.RemoveAt(path.Count - 1);
                    if (reader.LocalName == "MessageHeader") return Build(values, recipients);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA when sawHeader && path.Count >= 2:
                    var key = path[^2] + "/" + path[^1];
                    var value = reader.Value.Trim();
                    if (key is "To/OrganName" or "ToPlaces/Place") recipients.Add(value);
                    else values.TryAdd(key, value);
                    break;
            }
        }
        return sawHeader ? Build(values, recipients) : null;
    }

    private static Header Build(Dictionary<string, string> v, List<string> recipients)
    {
        string? Get(string key) => v.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        var priority = int.TryParse(Get("OtherInfo/Priority"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 0;
        var typeName = Get("DocumentType/TypeName");
        var metadata = new DocumentMetadata
        {
            CodeNumber = Get("Code/CodeNumber"),
            CodeNotation = Get("Code/CodeNotation"),
            DocumentType = typeName,
            OrganName = Get("From/OrganName"),
            PromulgationPlace = Get("PromulgationInfo/Place"),
            PromulgationDate = IsoDate(Get("PromulgationInfo/PromulgationDate")),
            Subject = Get("MessageHeader/Subject"),
            SignerCompetence = Get("SignerInfo/Competence"),
            SignerPosition = Get("SignerInfo/Position"),
            SignerFullName = Get("SignerInfo/FullName"),
            Priority = UrgencyNames.FromEdxmlPriority(priority),
            Recipients = recipients.Where(r => r.Length > 0).Distinct().ToList(),
        };
        return new Header(metadata, typeName);
    }

    /// <summary>edXML writes dates "yyyy/MM/dd" (sometimes dd/MM/yyyy or ISO); ISO 8601 out, the text as is if unknown.</summary>
    private static string? IsoDate(string? text)
    {
        if (text is null) return null;
        string[] formats = ["yyyy/MM/dd", "yyyy-MM-dd", "dd/MM/yyyy", "yyyy/M/d", "d/M/yyyy"];
        return DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : text;
    }
}
