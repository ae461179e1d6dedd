using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>
/// Documents written the way old Vietnamese office files are: TCVN3 bytes made by glibc's iconv (an encoder nobody here
/// wrote), VNI text as VNI keyboards type it, in DOCX runs with .VnTime / VNI-Times fonts and in PDFs whose font
/// dictionaries name those fonts.
/// </summary>
public static class LegacyDocuments
{
    /// <summary>TCVN3 bytes of <paramref name="unicode"/> from <c>iconv -t TCVN</c>. Capitals come out as ABC writes them
    /// for the "H" fonts: the small letter's byte (write the text in lower case and let the font or the plain capitals
    /// around it say it is a heading).</summary>
    public static byte[] Tcvn3(string unicode)
    {
        return ToolRunner.Pipe("iconv", ["-f", "UTF-8", "-t", "TCVN"], Encoding.UTF8.GetBytes(unicode.Normalize(NormalizationForm.FormC)));
    }

    /// <summary>TCVN3 text as a Western font shows it, and as a DOCX or PDF stores it ("B¸O C¸O").</summary>
    public static string Tcvn3Chars(string unicode) => Encoding.Latin1.GetString(Tcvn3(unicode));

    /// <summary>A DOCX whose paragraphs are runs in the given fonts.</summary>
    public static byte[] Docx(params (string Font, string Text)[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new Document(new Body(paragraphs.Select(p => new Paragraph(new Run(
                new RunProperties(new RunFonts { Ascii = p.Font, HighAnsi = p.Font }),
                new DocumentFormat.OpenXml.Wordprocessing.Text(p.Text) { Space = SpaceProcessingModeValues.Preserve })))));
            main.Document.Save();
        }
        return stream.ToArray();
    }

    /// <summary>A one-page PDF whose lines are shown in a simple (single-byte, WinAnsi) font named
    /// <paramref name="fontName"/>, not embedded, as a legacy-font document printed to PDF names it.</summary>
    public static byte[] Pdf(string fontName, params string[] lines)
    {
        var content = new StringBuilder("BT\n/F1 12 Tf\n16 TL\n50 800 Td\n");
        foreach (var line in lines)
        {
            content.Append('(');
            foreach (var ch in line)
            {
                if (ch is '(' or ')' or '\\') content.Append('\\');
                content.Append(ch);
            }
            content.Append(") Tj\nT*\n");
        }
        content.Append("ET\n");
        var widths = string.Join(' ', Enumerable.Repeat("500", 224));
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            $"<< /Type /Font /Subtype /TrueType /BaseFont /{fontName} /FirstChar 32 /LastChar 255 /Widths [{widths}] /Encoding /WinAnsiEncoding /FontDescriptor 6 0 R >>",
            $"<< /Length {Encoding.Latin1.GetByteCount(content.ToString())} >>\nstream\n{content}endstream",
            $"<< /Type /FontDescriptor /FontName /{fontName} /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
        };
        return Assemble(objects);
    }

    /// <summary>A PDF whose one page is an image and nothing else, as a scanner makes it.</summary>
    public static byte[] ScannedPdf()
    {
        var pixels = new string('\x80', 16);
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
            $"<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 16 >>\nstream\n{pixels}\nendstream",
            "<< /Length 31 >>\nstream\nq 595 0 0 842 0 0 cm /Im1 Do Q\nendstream",
        };
        return Assemble(objects);
    }

    private static byte[] Assemble(string[] objects)
    {
        var output = new MemoryStream();
        void Write(string s) => output.Write(Encoding.Latin1.GetBytes(s));
        Write("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(output.Position);
            Write($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = output.Position;
        Write($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) Write(o.ToString("D10", CultureInfo.InvariantCulture) + " 00000 n \n");
        Write($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    /// <summary>An OpenDocument text file with one paragraph per line.</summary>
    public static byte[] Odt(params string[] paragraphs)
    {
        var body = string.Concat(paragraphs.Select(p => "<text:p>" + System.Security.SecurityElement.Escape(p) + "</text:p>"));
        var content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " +
            "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:text>" + body +
            "</office:text></office:body></office:document-content>";
        return TestDocuments.Zip(("mimetype", Encoding.ASCII.GetBytes("application/vnd.oasis.opendocument.text")),
            ("META-INF/manifest.xml", Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>")),
            ("content.xml", Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>An edXML package header as document-management systems send it (QCVN 102:2016 element names).</summary>
    public static byte[] Edxml(string codeNumber, string codeNotation, string typeName, int priority, string subject) => Encoding.UTF8.GetBytes($"""
        <?xml version="1.0" encoding="UTF-8"?>
        <edXML:edXMLEnvelope xmlns:edXML="http://www.e-doc.vn/Schema/">
          <edXML:edXMLHeader>
            <edXML:MessageHeader>
              <edXML:From><edXML:OrganId>000.00.31.H23</edXML:OrganId><edXML:OrganName>Sở Văn hóa và Thể thao</edXML:OrganName></edXML:From>
              <edXML:To><edXML:OrganId>000.00.00.H23</edXML:OrganId><edXML:OrganName>UBND tỉnh Hà Tĩnh</edXML:OrganName></edXML:To>
              <edXML:Code><edXML:CodeNumber>{codeNumber}</edXML:CodeNumber><edXML:CodeNotation>{codeNotation}</edXML:CodeNotation></edXML:Code>
              <edXML:PromulgationInfo><edXML:Place>Hà Tĩnh</edXML:Place><edXML:PromulgationDate>2025/04/05</edXML:PromulgationDate></edXML:PromulgationInfo>
              <edXML:DocumentType><edXML:Type>2</edXML:Type><edXML:TypeName>{typeName}</edXML:TypeName></edXML:DocumentType>
              <edXML:Subject>{subject}</edXML:Subject>
              <edXML:SignerInfo><edXML:Competence>KT. GIÁM ĐỐC</edXML:Competence><edXML:Position>PHÓ GIÁM ĐỐC</edXML:Position><edXML:FullName>Trần Văn Bình</edXML:FullName></edXML:SignerInfo>
              <edXML:OtherInfo><edXML:Priority>{priority}</edXML:Priority></edXML:OtherInfo>
            </edXML:MessageHeader>
          </edXML:edXMLHeader>
          <edXML:edXMLBody></edXML:edXMLBody>
        </edXML:edXMLEnvelope>
        """);
}
