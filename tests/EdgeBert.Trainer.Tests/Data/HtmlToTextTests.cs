using EdgeBert.Trainer.Data;

namespace EdgeBert.Trainer.Tests.Data;

public class HtmlToTextTests
{
    private static string Text(string html) => TextNormalizer.Normalize(HtmlToText.Convert(html));

    [Test]
    public void ScriptsStylesAndComments_AreRemovedWithTheirContent() =>
        Assert.That(Text("<style type=\"text/css\">body{x:y}</style>a<!-- hidden -->b<SCRIPT>var x = '<p>';</SCRIPT>c"),
            Is.EqualTo("ab c"), "a comment joins its neighbours, a script separates them");

    [Test]
    public void BlockTags_SeparateWords_InlineTagsDoNot() =>
        Assert.That(Text("<table><tr><td>one</td><td>two</td></tr></table><p>th<b>re</b>e<br>four</p>"),
            Is.EqualTo("one two three four"));

    [Test]
    public void Entities_AreDecoded() =>
        Assert.That(Text("Fish &amp; chips &lt;3 &quot;q&quot; &#169; &#x20AC; caf&eacute;&nbsp;!"),
            Is.EqualTo("Fish & chips <3 \"q\" © € café !"));

    [Test]
    public void LessThanInText_IsNotATag() => Assert.That(Text("a < b and c<d"), Is.EqualTo("a < b and c<d"));

    [Test]
    public void UnterminatedScriptAndComment_RemoveTheRest() =>
        Assert.That(Text("keep<script>never closed"), Is.EqualTo("keep"));

    [Test]
    public void ManyUnclosedAngleBrackets_StayFast()
    {
        var hostile = string.Concat(Enumerable.Repeat("<a href=x ", 50_000)) + "end";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var text = HtmlToText.Convert(hostile);
        Assert.That(text, Does.EndWith("end"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "50 000 unclosed tags");
        Assert.That(HtmlToText.LooksLikeHtml(hostile), Is.False);
    }

    [Test]
    public void StripAngleBrackets_Fallback() =>
        Assert.That(TextNormalizer.Normalize(HtmlToText.StripAngleBrackets("a<b>c</b> <p>d")), Is.EqualTo("a c d"));

    [TestCase("<html><body>x</body></html>", true)]
    [TestCase("<!DOCTYPE html PUBLIC>x", true)]
    [TestCase("a<br>b<br>c<br>d<br>e<br>f", true)]
    [TestCase("tags like '<br>' and <p> quoted in a discussion", false)]
    [TestCase("no markup at all", false)]
    public void LooksLikeHtml(string text, bool expected) => Assert.That(HtmlToText.LooksLikeHtml(text), Is.EqualTo(expected));
}
