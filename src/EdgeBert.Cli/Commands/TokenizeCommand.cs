using System.CommandLine;
using System.Text.Json;
using EdgeBert.Cli.Input;
using EdgeBert.Cli.Models;
using EdgeBert.Cli.Parsing;
using EdgeBert.Format;
using EdgeBert.Text;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert tokenize [TEXT...]</c>: the word pieces and ids the model would see for each text
/// ([CLS] and [SEP] included, truncated at the model's maximum length), with the vocabulary and
/// tokenizer settings of the model (<c>--model</c>, else the embedded default) or of a
/// HuggingFace <c>vocab.txt</c> (<c>--vocab</c>, BERT-uncased settings unless <c>--cased</c>).
/// </summary>
internal static class TokenizeCommand
{
    // --max-length beyond any BERT (512 positions) by far, but a bound.
    private const int MaxLength = 65_536;

    internal static Command Create(CliEnvironment environment)
    {
        var model = new Option<string>("--model") { Description = "Take the vocabulary and tokenizer settings from this .ebm model (default: the embedded model)." };
        var vocab = new Option<string>("--vocab") { Description = "Use a HuggingFace vocab.txt instead of a model's vocabulary." };
        var cased = new Option<bool>("--cased") { Description = "With --vocab: keep case and accents (bert-base-cased); default is uncased." };
        var maxLength = new Option<int?>("--max-length") { Description = "With --vocab: longest sequence in tokens, [CLS] and [SEP] included (default 512)." }
            .Within(2, MaxLength);
        var json = new Option<bool>("--json") { Description = "One JSON object per text: text, tokens, ids, truncated." };
        var texts = new Argument<string[]>("text") { Description = "Texts to tokenize (default: one per line on standard input).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("tokenize", "Show the word pieces and ids of each text.") { model, vocab, cased, maxLength, json, texts };
        command.SetAction(parseResult =>
        {
            string? modelPath = parseResult.GetValue(model), vocabPath = parseResult.GetValue(vocab);
            if (modelPath is not null && vocabPath is not null) throw new CliException("tokenize: --model and --vocab exclude each other", Program.ExitUsage);
            if (vocabPath is null && (parseResult.GetValue(cased) || parseResult.GetValue(maxLength) is not null))
            {
                throw new CliException("tokenize: --cased and --max-length only apply with --vocab (a model carries its own settings)", Program.ExitUsage);
            }
            var inputs = TextInputs.Read(parseResult.GetValue(texts), environment, "tokenize");
            var tokenizer = vocabPath is not null
                ? FromVocabulary(vocabPath, parseResult.GetValue(cased), parseResult.GetValue(maxLength))
                : FromModel(modelPath, environment);
            Write(tokenizer, inputs, parseResult.GetValue(json), parseResult.InvocationConfiguration.Output);
            return Program.ExitOk;
        });
        return command;
    }

    private static BertTokenizer FromVocabulary(string path, bool cased, int? maxLength)
    {
        if (maxLength is < 2) throw new CliException($"tokenize: --max-length must be at least 2 (got {maxLength})", Program.ExitUsage);
        WordPieceVocabulary vocabulary;
        try
        {
            vocabulary = WordPieceVocabulary.Load(path);
        }
        catch (FormatException ex)
        {
            throw new CliException(ex.Message);
        }
        return new BertTokenizer(vocabulary, new BertTokenizerOptions { Lowercase = !cased, MaxLength = maxLength ?? 512 });
    }

    private static BertTokenizer FromModel(string? path, CliEnvironment environment)
    {
        if (path is null && environment.DefaultModel() is null) throw new CliException($"{ModelSource.NoEmbeddedModel} or --vocab vocab.txt");
        using var file = ModelSource.OpenFile(path, environment);
        var t = file.Metadata.Tokenizer;
        var options = new BertTokenizerOptions
        {
            Lowercase = t.Lowercase,
            StripAccents = t.StripAccents,
            HandleChineseCharacters = t.TokenizeChineseChars,
            MaxLength = Math.Min(t.MaxLength, file.Metadata.Architecture.MaxPositions),
            MaxInputCharsPerWord = t.MaxCharsPerWord,
        };
        return new BertTokenizer(WordPieceVocabulary.FromLines(file.Vocabulary), options);
    }

    private static void Write(BertTokenizer tokenizer, IEnumerable<string> texts, bool json, TextWriter output)
    {
        foreach (string text in texts)
        {
            var encoding = tokenizer.Encode(text);
            var ids = encoding.Ids.ToArray();
            var pieces = Array.ConvertAll(ids, tokenizer.Vocabulary.IdToToken);
            if (json)
            {
                output.WriteLine(JsonLine.Write(w =>
                {
                    w.WriteString("text", text);
                    w.WriteStartArray("tokens");
                    foreach (string piece in pieces) w.WriteStringValue(piece);
                    w.WriteEndArray();
                    w.WriteStartArray("ids");
                    foreach (int id in ids) w.WriteNumberValue(id);
                    w.WriteEndArray();
                    w.WriteBoolean("truncated", encoding.Truncated);
                }));
            }
            else
            {
                // Tab-separated so a script can cut the fields: pieces, ids, then a truncation mark.
                output.WriteLine($"{string.Join(' ', pieces)}\t{string.Join(' ', ids)}{(encoding.Truncated ? "\ttruncated" : "")}");
            }
        }
    }
}
