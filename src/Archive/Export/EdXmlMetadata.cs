using System.Globalization;
using System.Xml.Linq;
using GovGateway.Audit;

namespace GovGateway.Archive;

/// <summary>
/// The metadata of an archived document as an edXML-shaped header (QCVN 102:2016/BTTTT element names: From/OrganName,
/// Code/CodeNumber and CodeNotation, PromulgationInfo/Place and PromulgationDate, DocumentType, Subject,
/// SignerInfo/Competence, Position and FullName, OtherInfo/Priority), for export to an agency's document-management
/// system. It is a metadata file next to the document, not a signed edXML envelope: the file itself, its hash and the
/// exchanges are added under a gateway element the receiving system may ignore.
/// </summary>
public static class EdXmlMetadata
{
    /// <summary>The edXML namespace of QCVN 102:2016.</summary>
    public static readonly XNamespace Ns = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

    /// <summary>Our own additions (file name, SHA-256, exchanges), kept apart from the standard's names.</summary>
    public static readonly XNamespace GatewayNs = "urn:govgateway:archive:1";

    public static XDocument Build(ArchivedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var d = document.Document ?? new AuditDocument();
        var header = new XElement(Ns + "MessageHeader",
            new XElement(Ns + "From", Optional("OrganName", d.OrganName)),
            new XElement(Ns + "Code", Optional("CodeNumber", d.CodeNumber), Optional("CodeNotation", d.CodeNotation)),
            new XElement(Ns + "PromulgationInfo",
                Optional("Place", d.PromulgationInfo?.Place), Optional("PromulgationDate", d.PromulgationInfo?.PromulgationDate)),
            new XElement(Ns + "DocumentType", Optional("Type", null), Optional("TypeName", d.DocumentType)),
            Optional("Subject", d.Subject),
            new XElement(Ns + "SignerInfo",
                Optional("Competence", d.SignerInfo?.Competence), Optional("Position", d.SignerInfo?.Position),
                Optional("FullName", d.SignerInfo?.FullName)),
            new XElement(Ns + "OtherInfo", new XElement(Ns + "Priority", d.Priority.ToString(CultureInfo.InvariantCulture))));
        if (d.Recipients.Count > 0)
            header.Add(new XElement(Ns + "To", d.Recipients.Select(r => new XElement(Ns + "OrganName", r))));
        var gateway = new XElement(GatewayNs + "Archive",
            new XElement(GatewayNs + "Sha256", document.Id),
            Own("FileName", document.FileName), Own("ContentType", document.ContentType),
            new XElement(GatewayNs + "Size", document.Size.ToString(CultureInfo.InvariantCulture)),
            Own("Class", document.Class), Own("Urgency", document.Urgency),
            new XElement(GatewayNs + "Signed", document.Signed ? "true" : "false"),
            new XElement(GatewayNs + "Exchanges", document.Exchanges.Select(e => new XElement(GatewayNs + "Exchange",
                new XAttribute("direction", e.Direction), new XAttribute("queueId", e.QueueId),
                new XAttribute("time", e.TimeUtc.ToString("O", CultureInfo.InvariantCulture)),
                Own("Sender", e.Sender), e.Recipients.Select(r => new XElement(GatewayNs + "Recipient", r))))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Ns + "Envelope", new XAttribute(XNamespace.Xmlns + "edXML", Ns), new XAttribute(XNamespace.Xmlns + "gw", GatewayNs),
                new XElement(Ns + "Header", header, gateway)));
    }

    /// <summary>Writes <see cref="Build"/> as UTF-8 XML.</summary>
    public static void Write(ArchivedDocument document, Stream output) => Build(document).Save(output);

    /// <summary>Reads a file written by <see cref="Write"/> back into the metadata it holds (fields it lacks stay null).</summary>
    public static ArchivedDocument Read(Stream input)
    {
        var xml = XDocument.Load(input);
        var header = xml.Root?.Element(Ns + "Header")?.Element(Ns + "MessageHeader")
            ?? throw new FormatException("Không phải tệp siêu dữ liệu edXML: thiếu Header/MessageHeader. / Not an edXML metadata file: no Header/MessageHeader.");
        string? Get(params string[] path)
        {
            XElement? e = header;
            foreach (var name in path) e = e?.Element(Ns + name);
            return e?.Value;
        }
        var d = new AuditDocument
        {
            OrganName = Get("From", "OrganName"),
            CodeNumber = Get("Code", "CodeNumber"),
            CodeNotation = Get("Code", "CodeNotation"),
            DocumentType = Get("DocumentType", "TypeName"),
            Subject = Get("Subject"),
            Priority = int.TryParse(Get("OtherInfo", "Priority"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 0,
            Recipients = header.Element(Ns + "To")?.Elements(Ns + "OrganName").Select(e => e.Value).ToList() ?? [],
        };
        if (Get("PromulgationInfo", "Place") is not null || Get("PromulgationInfo", "PromulgationDate") is not null)
            d.PromulgationInfo = new AuditPromulgationInfo { Place = Get("PromulgationInfo", "Place"), PromulgationDate = Get("PromulgationInfo", "PromulgationDate") };
        if (header.Element(Ns + "SignerInfo")?.HasElements == true)
            d.SignerInfo = new AuditSignerInfo { Competence = Get("SignerInfo", "Competence"), Position = Get("SignerInfo", "Position"), FullName = Get("SignerInfo", "FullName") };
        var own = xml.Root!.Element(Ns + "Header")!.Element(GatewayNs + "Archive");
        string? Own_(string name) => own?.Element(GatewayNs + name)?.Value;
        return new ArchivedDocument
        {
            Id = Own_("Sha256") ?? "",
            FileName = Own_("FileName"),
            ContentType = Own_("ContentType"),
            Size = long.TryParse(Own_("Size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : 0,
            Class = Own_("Class"),
            Urgency = Own_("Urgency"),
            Document = d,
            Exchanges = own?.Element(GatewayNs + "Exchanges")?.Elements(GatewayNs + "Exchange").Select(e => new ArchiveExchange
            {
                Direction = (string?)e.Attribute("direction") ?? "",
                QueueId = (string?)e.Attribute("queueId") ?? "",
                TimeUtc = DateTime.Parse((string?)e.Attribute("time") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Sender = e.Element(GatewayNs + "Sender")?.Value,
                Recipients = e.Elements(GatewayNs + "Recipient").Select(r => r.Value).ToList(),
            }).ToList() ?? [],
        };
    }

    private static XElement? Optional(string name, string? value) => value is null ? null : new XElement(Ns + name, value);
    private static XElement? Own(string name, string? value) => value is null ? null : new XElement(GatewayNs + name, value);
}
