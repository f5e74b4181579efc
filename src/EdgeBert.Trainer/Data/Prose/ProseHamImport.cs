namespace EdgeBert.Trainer.Data.Prose;

/// <summary>One text file of a corpus: an address, a chapter.</summary>
/// <param name="Name">The file's path relative to its corpus directory, '/'-separated (the split key).</param>
/// <param name="Text">The file's text.</param>
public sealed record ProseDocument(string Name, string Text);

/// <summary>The documents of one <c>--corpus</c> directory.</summary>
/// <param name="Source">The corpus's name (see <see cref="ProseHamImporter.SourceName"/>).</param>
/// <param name="Directory">The directory as given.</param>
/// <param name="Documents">Its documents, sorted by name.</param>
public sealed record ProseCorpus(string Source, string Directory, IReadOnlyList<ProseDocument> Documents);

/// <summary>A snippet of one to three consecutive sentences of a document.</summary>
/// <param name="Source">The corpus it comes from.</param>
/// <param name="Document">The document's name within the corpus.</param>
/// <param name="Split">The split of its whole document.</param>
/// <param name="Text">The snippet, white space collapsed.</param>
/// <param name="Sentences">How many sentences it joins (1–3).</param>
/// <param name="Words">Its length in white-space separated words.</param>
public sealed record ProseSnippet(string Source, string Document, DataSplit Split, string Text, int Sentences, int Words)
{
    /// <summary>The snippet as a training example: label <c>ham</c>, view <c>prose</c>.</summary>
    public LabeledExample ToExample() => new(Text, ProseHamImporter.Label) { View = ProseHamImporter.View };
}

/// <summary>What one corpus offered and what was taken from it.</summary>
/// <param name="Source">The corpus's name.</param>
/// <param name="TrainDocuments">Documents in the train split.</param>
/// <param name="DevDocuments">Documents in the dev split.</param>
/// <param name="TrainAvailable">Distinct snippets the train documents offer.</param>
/// <param name="DevAvailable">Distinct snippets the dev documents offer (none repeating a train snippet).</param>
/// <param name="TrainTaken">Train snippets sampled.</param>
/// <param name="DevTaken">Dev snippets sampled.</param>
public sealed record ProseSourceCount(string Source, int TrainDocuments, int DevDocuments, int TrainAvailable, int DevAvailable, int TrainTaken, int DevTaken);

/// <summary>The sampled snippets, each split shuffled, and the counts per corpus.</summary>
/// <param name="Train">Train snippets, in a seeded random order.</param>
/// <param name="Dev">Dev snippets, in a seeded random order.</param>
/// <param name="Counts">One row per corpus, in the order given.</param>
public sealed record ProseHamImport(IReadOnlyList<ProseSnippet> Train, IReadOnlyList<ProseSnippet> Dev, IReadOnlyList<ProseSourceCount> Counts);
