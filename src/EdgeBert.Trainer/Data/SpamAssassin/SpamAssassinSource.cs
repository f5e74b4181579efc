namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>One message file of the corpus and its label.</summary>
/// <param name="Path">The file path.</param>
/// <param name="Name">The name used in diagnostics and as the fallback split key: "group/file".</param>
/// <param name="Label"><see cref="SpamAssassinImporter.Ham"/> or <see cref="SpamAssassinImporter.Spam"/>.</param>
public sealed record SpamAssassinSource(string Path, string Name, string Label);
