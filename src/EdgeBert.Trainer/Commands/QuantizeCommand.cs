using System.CommandLine;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train quantize --method ternarybert --teacher DIR --train train.jsonl [--dev dev.jsonl]
/// [--test test.jsonl] --out run/</c>: quantization-aware distillation of a fine-tuned FP32 teacher
/// into a student that starts from the teacher's weights. The best dev student (latent FP32
/// weights) lands in <c>run/best</c>, its export (W2A8 ternarybert, W1A1 bibert) in <c>run/model.ebm</c>.
/// <c>--method progressive</c> runs the two-stage chain instead (<see cref="QuantizeProgressiveRunner"/>).
/// </summary>
public static class QuantizeCommand
{
    /// <summary>The methods this command implements so far.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["ternarybert", "bibert", "binarybert", QuantizeProgressive.MethodName];

    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var method = CommandSupport.Option("--method", "Quantization method: ternarybert (W2A8, TWN weights, 8-bit activations); binarybert (half-width ternary → split binary, W1A8 or W1A4); bibert (W1A1, Bi-Attention, DMD); progressive (two-stage W8→W4→W2→W1, then W1A8/W1A4/W1A1).", "ternarybert");
        var teacher = CommandSupport.Required<string>("--teacher", "Fine-tuned FP32 teacher (a model directory, e.g. finetune's best/).");
        var train = CommandSupport.Required<string>("--train", "Training examples (.jsonl with text/label, or .tsv).");
        var dev = new Option<string?>("--dev") { Description = "Dev examples for evaluation and best-checkpoint selection." };
        var test = new Option<string?>("--test") { Description = "Test examples, scored once with the best quantized student." };
        var metric = CommandSupport.Option("--metric", "Dev metric that picks the best checkpoint: accuracy, f1 or mcc.", "accuracy");
        var taskName = new Option<string?>("--task") { Description = "Task name recorded in scores.json and the exported model." };
        var trainWindows = CommandSupport.TrainWindows();
        var engine = new EngineOptions();
        var run = new TrainingRunOptions(defaultLearningRate: 5e-5f, defaultEpochs: 3, defaultBatchSize: 16);
        var command = new Command("quantize", "Distil a fine-tuned teacher into a quantized student (OUT/best, OUT/model.ebm).")
        {
            method, teacher, train, dev, test, metric, taskName, trainWindows,
        };
        engine.AddTo(command);
        run.AddTo(command);
        var progressive = new QuantizeProgressive();
        progressive.AddTo(command);
        var binaryBert = new QuantizeBinaryBertOptions();
        binaryBert.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                string methodName = parse.GetValue(method)!;
                if (!Methods.Contains(methodName))
                    throw new ArgumentException($"quantize: unknown or not yet implemented method '{methodName}'; available: {string.Join(", ", Methods)}.");
                TrainingOptions options = run.Build(parse);
                string teacherDir = parse.GetValue(teacher)!;
                EngineOptions.Start(parse.GetValue(run.Threads));
                if (parse.GetValue(engine.Device) != "cpu") throw new ArgumentException("quantize: --device cuda is not supported yet (the quantizers' weights are quantized on the host).");
                bool windows = parse.GetValue(trainWindows);
                if (windows && methodName is "binarybert" or QuantizeProgressive.MethodName)
                    throw new ArgumentException($"quantize: --train-windows is implemented for ternarybert and bibert only, not {methodName}.");
                if (methodName == "binarybert")
                {
                    return QuantizeBinaryBertCommand.Run(ui, binaryBert.Recipe(parse, run, options, teacherDir,
                        parse.GetValue(train)!, parse.GetValue(dev), parse.GetValue(test), parse.GetValue(metric)!, parse.GetValue(taskName)));
                }
                if (methodName == QuantizeProgressive.MethodName)
                {
                    return progressive.Run(ui, parse, options, teacherDir, parse.GetValue(train)!, parse.GetValue(dev), parse.GetValue(test),
                        parse.GetValue(run.BatchSize), parse.GetValue(metric)!, parse.GetValue(taskName), parse.GetValue(run.Threads));
                }
                return QuantizeTorch.Run(ui, methodName, options, teacherDir, parse.GetValue(train)!, parse.GetValue(dev), parse.GetValue(test),
                    parse.GetValue(run.BatchSize), parse.GetValue(metric)!, parse.GetValue(taskName), parse.GetValue(run.Threads), windows);
            });
        });
        return command;
    }
}
