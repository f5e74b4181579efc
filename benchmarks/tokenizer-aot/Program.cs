// Tokenizes its second argument with the vocabulary file named by the first and prints the ids:
// enough to make NativeAOT keep the whole tokenizer (normalizer, pre-tokenizer, WordPiece, vocab
// loading) of the implementation selected at build time.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: tokenizer-aot VOCAB.txt TEXT");
    return 2;
}

#if ML_TOKENIZERS
var tokenizer = Microsoft.ML.Tokenizers.BertTokenizer.Create(args[0], new Microsoft.ML.Tokenizers.BertOptions { LowerCaseBeforeTokenization = true });
IReadOnlyList<int> ids = tokenizer.EncodeToIds(args[1]);
#else
var tokenizer = new EdgeBert.Text.BertTokenizer(EdgeBert.Text.WordPieceVocabulary.Load(args[0]));
IReadOnlyList<int> ids = tokenizer.Encode(args[1]).Ids.ToArray();
#endif
Console.WriteLine(string.Join(' ', ids));
return 0;
