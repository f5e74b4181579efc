using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.SpamAssassin;
using static EdgeBert.Trainer.Tests.Data.MailFixtures;

namespace EdgeBert.Trainer.Tests.Data.SpamAssassin;

/// <summary>The corpus's label-leaking artefacts are gone after import; the mail's own words stay.</summary>
public class CorpusArtefactsTests
{
    [TestCase("[ILUG] Linux on a laptop", "Linux on a laptop")]
    [TestCase("Re: [SAtalk] Re: [SAtalk] razor and bayes", "Re: Re: razor and bayes")]
    [TestCase("RE: [zzzzteana] Cheese", "RE: Cheese")]
    [TestCase("[use Perl] Headlines for 2002-09-01", "Headlines for 2002-09-01")]
    [TestCase("[Lockergnome Windows Daily]  Bugs", "Bugs")]
    [TestCase("*****SPAM***** Computer Maintenance", "Computer Maintenance")]
    [TestCase("Fwd: [ILUG-Social] [WM] free offer", "Fwd: free offer")]
    [TestCase("Price [50% off] today", "Price [50% off] today")]
    [TestCase("Meeting at 10", "Meeting at 10")]
    public void Subjects_lose_their_list_tags_and_spamassassins_marker(string subject, string expected) =>
        Assert.That(CorpusArtefacts.CleanSubject(subject), Is.EqualTo(expected));

    [Test]
    public void Bodies_lose_the_list_footers_and_spamassassin_reports()
    {
        string body = Lf(
            "I run procmail with SpamAssassin.",
            "> quoted reply stays",
            "SPAM: -------------------- Start SpamAssassin results ----------------------",
            "SPAM: This mail is probably spam.",
            "Any advice welcome.",
            "",
            "-------------------------------------------------------",
            "This sf.net email is sponsored by: OSDN - Tired of that same old",
            "cell phone?  Get a new here for FREE!",
            "_______________________________________________",
            "Spamassassin-talk mailing list",
            "Spamassassin-talk@lists.sourceforge.net",
            "https://lists.sourceforge.net/lists/listinfo/spamassassin-talk");
        string cleaned = CorpusArtefacts.CleanBody(body);
        Assert.That(TextNormalizer.Normalize(cleaned), Is.EqualTo("I run procmail with SpamAssassin. > quoted reply stays Any advice welcome."));
    }

    [TestCase("-- ", "Irish Linux Users' Group: ilug@linux.ie", "http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.", "List maintainer: listmaster@linux.ie")]
    [TestCase("To unsubscribe from this group, send an email to:", "forteana-unsubscribe@egroups.com", "", "Your use of Yahoo! Groups is subject to http://docs.yahoo.com/info/terms/")]
    [TestCase("------------------------ Yahoo! Groups Sponsor ---------------------~-->", "Buy now", "---------------------------------------------------------------------~->", "")]
    [TestCase("", "http://xent.com/mailman/listinfo/fork", "", "")]
    public void Each_lists_footer_goes(string a, string b, string c, string d)
    {
        string cleaned = CorpusArtefacts.CleanBody(Lf("The text of the mail.", "", a, b, c, d));
        Assert.That(TextNormalizer.Normalize(cleaned), Is.EqualTo("The text of the mail."));
    }

    [Test]
    public void Import_removes_them_unless_asked_to_keep_them_and_no_tag_is_left_in_any_view()
    {
        byte[] mail = Simple("id1@x", "Re: [ILUG] Linux on a laptop", Lf(
            "Which distribution works best?",
            "-- ",
            "Irish Linux Users' Group: ilug@linux.ie",
            "http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.",
            "List maintainer: listmaster@linux.ie"));
        var clean = SpamAssassinImporter.Import([("easy-ham-1/1", mail, SpamAssassinImporter.Ham)]);
        var message = clean.Messages.Single();
        Assert.That(message.Text, Is.EqualTo("Re: Linux on a laptop Which distribution works best?"));
        Assert.That(message.Subject, Is.EqualTo("Re: Linux on a laptop"));
        var views = message.Views(new SpamAssassinOptions { FirstWords = 3 }).ToList();
        Assert.That(views.Select(v => (v.View, v.Text)), Is.EqualTo(new[]
        {
            ("whole", "Re: Linux on a laptop Which distribution works best?"),
            ("subject", "Re: Linux on a laptop"),
            ("first3", "Re: Linux on"),
        }));
        Assert.That(views.All(v => !v.Text.Contains("ILUG", StringComparison.OrdinalIgnoreCase) && v.Label == SpamAssassinImporter.Ham), Is.True);

        var kept = SpamAssassinImporter.Import([("easy-ham-1/1", mail, SpamAssassinImporter.Ham)], new SpamAssassinOptions { RemoveArtefacts = false });
        Assert.That(kept.Messages.Single().Text, Does.StartWith("Re: [ILUG] Linux on a laptop").And.Contain("listmaster@linux.ie"));
    }

    [Test]
    public void Every_view_of_a_mail_lands_in_the_mails_split()
    {
        var corpus = Enumerable.Range(0, 300).Select(i => ($"g/{i}", Simple($"{i}@views", $"subject {i}", $"body words {i} " + string.Join(' ', Enumerable.Repeat("more", 40))), i % 3 == 0 ? SpamAssassinImporter.Spam : SpamAssassinImporter.Ham)).ToList();
        var options = new SpamAssassinOptions();
        var import = SpamAssassinImporter.Import(corpus, options);
        var splitOf = new Dictionary<string, DataSplit>();
        foreach (var m in import.Messages)
        {
            foreach (var view in m.Views(options)) splitOf[view.View + ":" + view.Text] = m.Split;
        }
        foreach (var split in Enum.GetValues<DataSplit>())
        {
            var examples = import.ViewExamples(split, options);
            Assert.That(examples.Select(e => e.View).Distinct(), Is.EquivalentTo(new[] { "whole", "subject", "first25" }), $"{split}");
            Assert.That(examples.All(e => splitOf[e.View + ":" + e.Text] == split), Is.True, $"{split}: a view outside its mail's split");
            Assert.That(examples.Count, Is.EqualTo(3 * import.Count(split)), $"{split}: three views per mail");
        }
        Assert.That(import.Messages.Select(m => m.Split).Distinct().Count(), Is.EqualTo(3), "300 mails reach all three splits");
    }
}
