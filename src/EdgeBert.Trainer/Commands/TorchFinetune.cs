using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Commands;

/// <summary><c>finetune</c> on TorchSharp/LibTorch (<see cref="TorchTrainingLoop"/>).</summary>
internal static class TorchFinetune
{
    /// <summary>Initialises (LibTorch's generator seeded with the run's seed, or <c>--init</c>'s weights), trains, and keeps the best model.</summary>
    public static FinetuneRun Train(IAnsiConsole ui, Device device, BertConfig config, string? initDir, IReadOnlyList<string> vocabulary, List<EncodedExample> trainSet, List<EncodedExample> devSet,
        int batchSize, int pad, string metricName, TrainingOptions options, Action<long> describe)
    {
        TorchBertModel model = NewModel(config, initDir, options.Seed, device, FinetuneCommand.InitTensors);
        var task = new TorchClassificationTask(trainSet, devSet, config.Labels.Count, batchSize, options.Seed, pad, metricName);
        var loop = new TorchTrainingLoop(model, vocabulary, task, options);
        describe(loop.TotalSteps);
        TrainingResult result = TrainingProgressDisplay.Run(ui, loop, "finetune");
        string best = loop.BestDirectory!;
        if (!result.Interrupted && !Directory.Exists(best)) TorchModelDirectory.Save(best, model, vocabulary, new ModelScores { Metric = metricName, Step = result.Steps });
        model.Dispose();
        return new FinetuneRun(result, best, testSet =>
        {
            using TorchBertModel bestModel = TorchBertModel.Load(best);
            bestModel.to(device);
            return TorchClassificationTask.Score(bestModel, testSet, config.Labels.Count, batchSize, pad, metricName);
        });
    }

    /// <summary>
    /// A model for <paramref name="config"/> on <paramref name="device"/>: initialised from LibTorch's
    /// generator seeded with <paramref name="seed"/>, then, with <paramref name="initDir"/>, the
    /// tensors <paramref name="initTensors"/> reads from it (those it leaves out keep their initial values).
    /// </summary>
    public static TorchBertModel NewModel(BertConfig config, string? initDir, long seed, Device device, Func<string, IReadOnlyList<string>, Dictionary<string, SafeTensor>> initTensors)
    {
        random.manual_seed(seed);
        var model = new TorchBertModel(config);
        if (initDir is not null)
        {
            Dictionary<string, SafeTensor> tensors = initTensors(initDir, config.Labels);
            foreach ((string name, Tensor p) in model.NamedWeights())
            {
                // A head the directory lacks (a new classifier, an MLM head never trained) starts from the fresh initialisation.
                if (!tensors.ContainsKey(name)) tensors[name] = new SafeTensor("F32", TorchTensors.Shape(p), TorchTensors.ToFloats(p));
            }

            model.LoadWeights(tensors, Path.Combine(initDir, ModelDirectory.WeightsFile));
        }

        model.to(device);
        return model;
    }
}
