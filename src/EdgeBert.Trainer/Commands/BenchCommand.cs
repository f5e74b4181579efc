using System.CommandLine;
using System.Diagnostics;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Training;
using TorchSharp;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train bench</c>: training throughput (forward + backward of the classification
/// loss, tokens/s) of a random model on random full-length batches; defaults are the small
/// configuration on 2 threads, matching <c>benchmarks/peers/torch_train_bench.py</c>.
/// </summary>
public static class BenchCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var layers = CommandSupport.Option("--layers", "Encoder layers.", 4);
        var hidden = CommandSupport.Option("--hidden", "Hidden size.", 256);
        var heads = CommandSupport.Option("--heads", "Attention heads.", 4);
        var ffn = CommandSupport.Option("--ffn", "FFN size.", 1024);
        var seqLen = CommandSupport.Option("--seq-len", "Tokens per sequence.", 128);
        var batchSize = CommandSupport.Option("--batch-size", "Sequences per step.", 8);
        var vocabSize = CommandSupport.Option("--vocab-size", "Vocabulary size.", 30522);
        var steps = CommandSupport.Option("--steps", "Timed steps.", 10);
        var warmup = CommandSupport.Option("--warmup-steps", "Untimed steps first.", 2);
        var threads = CommandSupport.Option("--threads", "Threads.", 2);
        var engine = new EngineOptions();
        var command = new Command("bench", "Measure training throughput (forward+backward tokens/s) of the small configuration.")
        {
            layers, hidden, heads, ffn, seqLen, batchSize, vocabSize, steps, warmup, threads,
        };
        engine.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                int b = parse.GetValue(batchSize), l = parse.GetValue(seqLen), n = parse.GetValue(steps), t = parse.GetValue(threads);
                if (b < 1 || n < 1 || t < 1 || parse.GetValue(warmup) < 0) throw new ArgumentException("--batch-size, --steps and --threads must be at least 1, --warmup-steps at least 0.");
                var config = new BertConfig
                {
                    VocabSize = parse.GetValue(vocabSize), Layers = parse.GetValue(layers), Hidden = parse.GetValue(hidden), Heads = parse.GetValue(heads),
                    Ffn = parse.GetValue(ffn), MaxPositions = l, MaxSequenceLength = l, Labels = ["a", "b"],
                };
                var rng = new TrainingRandom(2);
                var examples = Enumerable.Range(0, b).Select(_ => new EncodedExample(
                    [.. Enumerable.Range(0, l).Select(_ => rng.Next(5, config.VocabSize))], new int[l], rng.Next(2))).ToArray();
                BertBatch batch = BertBatch.Collate(examples, 0);
                EngineOptions.Start(t);
                Action step = TorchStep(config, batch, engine.TorchDevice(parse));
                var seconds = new List<double>();
                for (int i = 0; i < parse.GetValue(warmup) + n; i++)
                {
                    var clock = Stopwatch.StartNew();
                    step();
                    if (i >= parse.GetValue(warmup)) seconds.Add(clock.Elapsed.TotalSeconds);
                }

                seconds.Sort();
                double median = seconds[seconds.Count / 2];
                long rss = Process.GetCurrentProcess().PeakWorkingSet64;
                ui.MarkupLine(Markup.Escape(
                    $"bench (torch): {config.Layers} layers, hidden {config.Hidden}, heads {config.Heads}, ffn {config.Ffn}, batch {b}×{l}, {t} threads: " +
                    $"median {median * 1000:0.0} ms/step, {b * l / median:0} tokens/s (forward+backward), peak RSS {rss / (1024 * 1024)} MiB"));
                return Program.ExitOk;
            });
        });
        return command;
    }

    /// <summary>One forward+backward of the classification loss on LibTorch (training mode, gradients cleared first).</summary>
    private static Action TorchStep(BertConfig config, BertBatch batch, TorchSharp.torch.Device device)
    {
        TorchSharp.torch.random.manual_seed(1);
        var model = new TorchBertModel(config);
        model.to(device);
        model.train();
        return () =>
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            model.zero_grad();
            TorchSharp.torch.nn.functional.cross_entropy(model.Forward(batch).Logits!, TorchTensors.Int64(batch.Labels, device)).backward();
        };
    }
}
