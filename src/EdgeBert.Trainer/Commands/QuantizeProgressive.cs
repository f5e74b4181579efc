using System.CommandLine;
using EdgeBert.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// The options <c>quantize --method progressive</c> adds (<c>--targets</c>, <c>--epochs-per-step</c>)
/// and the bridge from the parsed command line to <see cref="QuantizeProgressiveRunner"/>.
/// </summary>
internal sealed class QuantizeProgressive
{
    /// <summary>The method name on the command line.</summary>
    public const string MethodName = "progressive";

    public Option<string> Targets { get; } = CommandSupport.Option("--targets",
        "progressive: stage-2 students to train from stage-1 W1 and export as OUT/<target>.ebm (comma-separated: w1a8, w1a4, w1a1).",
        "w1a8,w1a4,w1a1");

    public Option<int?> EpochsPerStep { get; } = new("--epochs-per-step")
    {
        Description = "progressive: epochs of each KD fine-tune of the chain (default: --epochs).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Targets);
        command.Options.Add(EpochsPerStep);
    }

    /// <summary>Runs the chain; the arguments are the values <see cref="QuantizeCommand"/> parsed.</summary>
    /// <exception cref="ArgumentException">Bad targets, epochs or data.</exception>
    public int Run(IAnsiConsole ui, ParseResult parse, TrainingOptions options, string teacherDirectory,
        string trainPath, string? devPath, string? testPath, int batchSize, string metric, string? task, int threads)
    {
        IReadOnlyList<ProgressiveStep> steps = ProgressiveSchedule.Plan(parse.GetValue(Targets)!);
        int epochs = parse.GetValue(EpochsPerStep) ?? options.Epochs;
        if (epochs < 1) throw new ArgumentException($"--epochs-per-step must be at least 1 (got {epochs}).");
        using TorchBertModel teacher = TorchBertModel.Load(teacherDirectory);
        teacher.eval();
        BertConfig config = teacher.Config;
        if (config.Labels.Count < 2) throw new ArgumentException($"quantize: the teacher in {teacherDirectory} has no classifier labels; fine-tune it first.");
        WordPieceVocabulary vocabulary = ModelDirectory.ReadVocabulary(teacherDirectory);
        string[] labels = [.. config.Labels];
        BertTokenizer tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
        List<EncodedExample> Read(string path) => ExampleEncoder.Encode(TaskFile.Read(path), tokenizer, labels);
        var settings = new ProgressiveRunSettings
        {
            Steps = steps,
            Training = options with { Epochs = epochs },
            BatchSize = batchSize,
            Metric = metric,
            Task = task,
            PadId = vocabulary.PaddingId ?? 0,
            TeacherDirectory = teacherDirectory,
            Threads = threads,
        };
        return QuantizeProgressiveRunner.Run(ui, teacher, vocabulary.Tokens, Read(trainPath), devPath is null ? [] : Read(devPath),
            testPath is null ? null : Read(testPath), settings);
    }
}
