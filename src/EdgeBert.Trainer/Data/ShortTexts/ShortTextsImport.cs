namespace EdgeBert.Trainer.Data.ShortTexts;

/// <summary>What <see cref="ShortTextsImporter.Select"/> kept of one source, and what it left out and why.</summary>
/// <param name="Source">The source's name (also the examples' <c>"view"</c>).</param>
/// <param name="Read">Texts read from the source.</param>
/// <param name="Kept">Texts kept.</param>
/// <param name="Empty">Texts left out because nothing but white space was left.</param>
/// <param name="TooLong">Texts left out for having more than <see cref="ShortTextsOptions.MaxWords"/> words.</param>
/// <param name="Duplicates">Texts left out as repeats (ignoring case) of a text kept before, from this source or an earlier one.</param>
public sealed record ShortTextsSourceCount(string Source, int Read, int Kept, int Empty, int TooLong, int Duplicates);

/// <summary>The collection: the kept texts (label <c>ham</c>, view = source) and the counts per source.</summary>
/// <param name="Examples">The kept texts, in source order and, within a source, file order.</param>
/// <param name="Counts">One row per source, in source order.</param>
public sealed record ShortTextsImport(IReadOnlyList<LabeledExample> Examples, IReadOnlyList<ShortTextsSourceCount> Counts);
