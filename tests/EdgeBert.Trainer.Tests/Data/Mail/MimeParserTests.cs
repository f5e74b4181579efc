using EdgeBert.Trainer.Data.Mail;
using static EdgeBert.Trainer.Tests.Data.MailFixtures;

namespace EdgeBert.Trainer.Tests.Data.Mail;

public class MimeParserTests
{
    private static string TextOf(string message) => MailTextExtractor.Extract(MimeParser.Parse(Ascii(message)));

    [Test]
    public void Headers_AreRemovedExceptSubject()
    {
        var text = TextOf(Lf(
            "From someone@example.com  Mon Sep  2 12:00:00 2002",
            "Received: from mail.example.com by relay",
            "From: Someone <someone@example.com>",
            "Subject: Meeting tomorrow",
            "",
            "Body line."));
        Assert.That(text, Does.Contain("Meeting tomorrow"));
        Assert.That(text, Does.Contain("Body line."));
        Assert.That(text, Does.Not.Contain("Received").And.Not.Contain("someone@example.com"));
    }

    [Test]
    public void HeaderFolding_IsUnfolded()
    {
        var entity = MimeParser.Parse(Ascii(Crlf(
            "Subject: a subject that",
            "   continues on the next line",
            "\tand one more",
            "X-Other: value",
            "",
            "body")));
        Assert.That(entity.Headers.Get("subject"), Is.EqualTo("a subject that   continues on the next line\tand one more"));
        Assert.That(entity.Headers.Get("X-Other"), Is.EqualTo("value"));
        Assert.That(entity.RawBody, Is.EqualTo("body"));
    }

    [Test]
    public void FoldedContentType_ParametersStillFound()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Content-Type: multipart/alternative;",
            "\tboundary=\"----=_NextPart_000\"",
            "",
            "------=_NextPart_000",
            "Content-Type: text/plain",
            "",
            "plain",
            "------=_NextPart_000--")));
        Assert.That(entity.ContentType.MediaType, Is.EqualTo("multipart/alternative"));
        Assert.That(entity.ContentType.Boundary, Is.EqualTo("----=_NextPart_000"));
        Assert.That(entity.Children, Has.Count.EqualTo(1));
    }

    [Test]
    public void MultipartAlternative_PrefersPlainText()
    {
        var text = TextOf(Crlf(
            "Subject: alt",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"XYZ\"",
            "",
            "This is a multi-part message in MIME format.",
            "--XYZ",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "Plain version.",
            "--XYZ",
            "Content-Type: text/html; charset=us-ascii",
            "",
            "<html><body><p>HTML version.</p></body></html>",
            "--XYZ--",
            "epilogue text"));
        Assert.That(text, Does.Contain("Plain version."));
        Assert.That(text, Does.Not.Contain("HTML version."));
        Assert.That(text, Does.Not.Contain("multi-part message").And.Not.Contain("epilogue"));
    }

    [Test]
    public void MultipartAlternative_WithOnlyHtml_ConvertsHtml()
    {
        var text = TextOf(Crlf(
            "Subject: html only",
            "Content-Type: multipart/alternative; boundary=b1",
            "",
            "--b1",
            "Content-Type: text/plain",
            "",
            "   ",
            "--b1",
            "Content-Type: text/html",
            "",
            "<html><head><style>p { color: red }</style></head><body><p>Caf&eacute; &amp; <b>cr</b>oissant</p>",
            "<script>alert('x')</script></body></html>",
            "--b1--"));
        var normalized = EdgeBert.Trainer.Data.TextNormalizer.Normalize(text);
        Assert.That(normalized, Is.EqualTo("html only Café & croissant"));
    }

    [Test]
    public void NestedMultipart_CollectsTextOfEveryLevel_AndSkipsAttachments()
    {
        var text = TextOf(Lf(
            "Subject: nested",
            "Content-Type: multipart/mixed; boundary=\"outer\"",
            "",
            "--outer",
            "Content-Type: multipart/alternative; boundary=\"inner\"",
            "",
            "--inner",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Inner plain =E2=82=AC10 soft=",
            "break.",
            "--inner",
            "Content-Type: multipart/related; boundary=\"deepest\"",
            "",
            "--deepest",
            "Content-Type: text/html",
            "",
            "<p>not chosen</p>",
            "--deepest--",
            "--inner--",
            "--outer",
            "Content-Type: image/gif; name=\"logo.gif\"",
            "Content-Transfer-Encoding: base64",
            "",
            "R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=",
            "--outer",
            "Content-Type: text/plain",
            "Content-Disposition: attachment; filename=\"notes.txt\"",
            "",
            "attached file text",
            "--outer",
            "Content-Type: text/plain",
            "",
            "Footer part.",
            "--outer--"));
        Assert.That(text, Does.Contain("Inner plain €10 softbreak."));
        Assert.That(text, Does.Contain("Footer part."));
        Assert.That(text, Does.Not.Contain("not chosen").And.Not.Contain("attached file").And.Not.Contain("R0lGOD"));
    }

    [Test]
    public void MultipartWithoutBoundaryParameter_IsReadAsText()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Subject: no boundary",
            "Content-Type: multipart/mixed",
            "",
            "--something",
            "Content-Type: text/plain",
            "",
            "still readable")));
        Assert.That(entity.BoundaryMissing, Is.True);
        Assert.That(entity.Children, Is.Empty);
        Assert.That(MailTextExtractor.Extract(entity), Does.Contain("still readable"));
    }

    [Test]
    public void BoundaryThatNeverOccurs_IsReadAsText()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Content-Type: multipart/alternative; boundary=\"missing\"",
            "",
            "--other",
            "",
            "body text")));
        Assert.That(entity.BoundaryMissing, Is.True);
        Assert.That(MailTextExtractor.Extract(entity), Does.Contain("body text"));
    }

    [Test]
    public void MultipartBodyWithoutContentTypeHeader_IsRecognised()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Subject: See the video",
            "MIME-Version: 1.0",
            "",
            "",
            "------=_NextPart_000_6395",
            "Content-Type: text/html;",
            "",
            "<HTML><BODY>Click <B>here</B></BODY></HTML>",
            "------=_NextPart_000_6395--")));
        Assert.That(entity.ContentType.Boundary, Is.EqualTo("----=_NextPart_000_6395"));
        var text = EdgeBert.Trainer.Data.TextNormalizer.Normalize(MailTextExtractor.Extract(entity));
        Assert.That(text, Is.EqualTo("See the video Click here"));
    }

    [TestCase("-- \nSig: not a boundary")]
    [TestCase("--boundary-like\nplain text line")]
    [TestCase("plain body")]
    public void PlainBodies_AreNotMistakenForMultipart(string body) =>
        Assert.That(MimeParser.UndeclaredBoundary(body), Is.Null);

    [Test]
    public void DelimitersDifferingFromTheBoundaryByBlanks_StillSplit()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Content-Type: multipart/alternative; boundary=\"=Multipart Boundary 0925\"",
            "",
            "--= Multipart Boundary 0925",
            "Content-Type: text/plain;",
            "",
            "plain offer",
            "--= Multipart Boundary 0925",
            "Content-Type: text/html;",
            "",
            "<p>html offer</p>",
            "--= Multipart Boundary 0925--")));
        Assert.That(entity.BoundaryMissing, Is.False);
        Assert.That(entity.Children.Select(c => c.RawBody), Is.EqualTo(new[] { "plain offer", "<p>html offer</p>" }));
    }

    [Test]
    public void MissingClosingDelimiter_LastPartRunsToTheEnd()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Content-Type: multipart/mixed; boundary=\"B\"",
            "",
            "--B",
            "",
            "first",
            "--B",
            "Content-Type: text/plain",
            "",
            "second, unterminated")));
        Assert.That(entity.Children, Has.Count.EqualTo(2));
        Assert.That(entity.Children[1].RawBody, Is.EqualTo("second, unterminated"));
    }

    [Test]
    public void LongerBoundaryWithSamePrefix_IsNotADelimiter()
    {
        var parts = MimeParser.SplitMultipart(Lf("--ab", "one", "--abc", "two", "--ab--"), "ab");
        Assert.That(parts, Is.EqualTo(new[] { "one\n--abc\ntwo" }));
    }

    [Test]
    public void EmbeddedMessage_ContributesSubjectAndBody()
    {
        var text = TextOf(Lf(
            "Subject: Fwd: original",
            "Content-Type: multipart/mixed; boundary=m",
            "",
            "--m",
            "Content-Type: text/plain",
            "",
            "See below.",
            "--m",
            "Content-Type: message/rfc822",
            "",
            "From: other@example.com",
            "Subject: The original subject",
            "",
            "Original body.",
            "--m--"));
        Assert.That(text, Does.Contain("See below.").And.Contain("The original subject").And.Contain("Original body."));
        Assert.That(text, Does.Not.Contain("other@example.com"));
    }

    [Test]
    public void DeepNesting_DoesNotOverflowTheStack()
    {
        const int depth = 500;
        var sb = new System.Text.StringBuilder("Content-Type: multipart/mixed; boundary=b0\n\n");
        for (int i = 1; i < depth; i++)
        {
            sb.Append($"--b{i - 1}\nContent-Type: multipart/mixed; boundary=b{i}\n\n");
        }
        sb.Append($"--b{depth - 1}\nContent-Type: text/plain\n\ndeep text\n");
        var entity = MimeParser.Parse(sb.ToString());
        Assert.That(MailTextExtractor.Extract(entity), Does.Contain("deep text"), $"depth {depth}");
    }

    [Test]
    public void PartWithoutHeaders_BodyIsKept()
    {
        var entity = MimeParser.Parse(Ascii(Lf(
            "Content-Type: multipart/mixed; boundary=\"q\"",
            "",
            "--q",
            "just text, no headers and no blank line",
            "--q--")));
        Assert.That(entity.Children[0].RawBody, Is.EqualTo("just text, no headers and no blank line"));
        Assert.That(entity.Children[0].ContentType.MediaType, Is.EqualTo("text/plain"));
    }

    [Test]
    public void MessageWithoutBlankLine_IsAllHeaders()
    {
        var entity = MimeParser.Parse(Ascii("Subject: only headers\nX-A: b"));
        Assert.That(entity.RawBody, Is.Empty);
        Assert.That(MailTextExtractor.Extract(entity).Trim(), Is.EqualTo("only headers"));
    }

    [Test]
    public void EmptyMessage_GivesEmptyText() =>
        Assert.That(MailTextExtractor.Extract(MimeParser.Parse(ReadOnlySpan<byte>.Empty)), Is.Empty);

    [Test]
    public void PlainTextThatIsHtml_IsConverted()
    {
        var text = TextOf(Lf(
            "Subject: offer",
            "",
            "<HTML><BODY><FONT size=2>Buy <B>now</B>!<BR>Limited offer&nbsp;today</FONT></BODY></HTML>"));
        Assert.That(EdgeBert.Trainer.Data.TextNormalizer.Normalize(text), Is.EqualTo("offer Buy now! Limited offer today"));
    }
}
