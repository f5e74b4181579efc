using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

/// <summary>The span overloads must not allocate in steady state (the runtime calls them per request).</summary>
[Category("Text")]
[NonParallelizable]
public class BertTokenizerAllocationTests
{
    private const string Ascii = "From: john.doe@example.com Subject: Re: FREE money!!! Visit https://example.org/x?y=1 now, 100% guaranteed.";
    private const string Latin = "Café crème brûlée, naïve résumé; Ångström & Straße — déjà vu!";

    [TestCase(Ascii, false)]
    [TestCase(Latin, false)]
    [TestCase(Ascii, true)]
    public void SpanEncodeAllocatesNothingAfterWarmUp(string text, bool pair)
    {
        var tokenizer = TokenizerFixture.Uncased(maxLength: 128);
        var ids = new int[128];
        var types = new int[128];
        int expected = Run(tokenizer, text, pair, ids, types); // warm-up: pool buckets, statics, JIT
        Run(tokenizer, text, pair, ids, types);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 200; i++) total += Run(tokenizer, text, pair, ids, types);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(total, Is.EqualTo(200 * expected));
        Assert.That(allocated, Is.Zero, $"bytes allocated by 200 encodes of {text.Length} chars (pair: {pair})");
    }

    [Test]
    public void Utf8SpanEncodeAllocatesNothingAfterWarmUp()
    {
        var tokenizer = TokenizerFixture.Uncased(maxLength: 128);
        var bytes = System.Text.Encoding.UTF8.GetBytes(Ascii);
        var ids = new int[128];
        var types = new int[128];
        tokenizer.EncodeUtf8(bytes, ids, types, out _);
        tokenizer.EncodeUtf8(bytes, ids, types, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) tokenizer.EncodeUtf8(bytes, ids, types, out _);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static int Run(BertTokenizer tokenizer, string text, bool pair, int[] ids, int[] types) =>
        pair
            ? tokenizer.EncodePair(text.AsSpan(), text.AsSpan(0, 20), ids, types, out _)
            : tokenizer.Encode(text.AsSpan(), ids, types, out _);
}
