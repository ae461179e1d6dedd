using System.Text;
using GovGateway.Archive.Text;
using GovGateway.Audit;

namespace GovGateway.Archive.Tests;

public sealed class FoldingTests
{
    [TestCase("Chuyển Đổi Số", "chuyen doi so")]
    [TestCase("ĐƯỜNG", "duong")]
    [TestCase("Hỏa tốc", "hoa toc")]
    [TestCase("QĐ-UBND", "qd ubnd")]
    [TestCase("Ủy ban 45/GM-STTTT", "uy ban 45 gm stttt")]
    public void Words_fold_as_the_audit_log_folds_them(string text, string expected)
    {
        Assert.That(string.Join(' ', FoldedWords.Of(text)), Is.EqualTo(expected));
        Assert.That(string.Join(' ', FoldedWords.Of(text.Normalize(NormalizationForm.FormD))), Is.EqualTo(expected), "NFD alike");
    }

    [Test]
    public void The_fast_fold_agrees_with_TextFold_on_every_Vietnamese_letter_and_beyond()
    {
        const string letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệfghiìỉĩíịjklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvwxyỳỷỹýỵz";
        foreach (var word in new[] { letters, letters.ToUpperInvariant(), letters.Normalize(NormalizationForm.FormD), "Straße", "Ωμέγα", "한국어", "İstanbul", "x\u0301\u0323y" })
            Assert.That(FastFold.Fold(word), Is.EqualTo(TextFold.Fold(word)), word);
    }

    [Test]
    public void Quotes_make_phrases_and_loose_words_stay_words()
    {
        var q = TextQuery.Parse("văn thư “chuyển đổi số” \"một\" \"lưu trữ");
        Assert.That(q.Words, Is.EqualTo(new[] { "văn", "thư", "một" }));
        Assert.That(q.Phrases.Select(p => string.Join(' ', p)), Is.EqualTo(new[] { "chuyển đổi số", "lưu trữ" }));
    }
}
