using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;
using GovGateway.Audit;

namespace GovGateway.Archive.Text;

/// <summary>
/// Lucene analyzer for Vietnamese text: <see cref="FoldedWords"/>' words, folded, so "chuyen doi so" finds
/// "chuyển đổi số" whether the document was written in NFC or NFD, and "Đ" is found as "d". Offsets stay those of
/// the original text, so highlighted passages show it as written.
/// </summary>
internal sealed class VietnameseAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var words = new WordTokenizer(reader);
        return new TokenStreamComponents(words, new FoldFilter(words));
    }

    private sealed class WordTokenizer(TextReader reader) : CharTokenizer(Version, reader)
    {
        protected override bool IsTokenChar(int c) => FoldedWords.IsWordChar(c);
    }

    private sealed class FoldFilter : TokenFilter
    {
        private readonly ICharTermAttribute _term;

        public FoldFilter(TokenStream input) : base(input) => _term = AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            while (m_input.IncrementToken())
            {
                var folded = FastFold.Fold(_term.Buffer.AsSpan(0, _term.Length));
                if (folded.Length == 0) continue;
                _term.SetEmpty().Append(folded);
                return true;
            }
            return false;
        }
    }
}
