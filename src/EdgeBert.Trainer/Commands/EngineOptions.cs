using System.CommandLine;
using EdgeBert.Trainer.Torch;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>--engine torch</c> and <c>--device cpu|cuda</c> of the commands that run the model
/// (pretrain, finetune, quantize, eval, parity, bench). TorchSharp/LibTorch is the only engine:
/// <c>--engine torch</c> (the default) stays accepted for scripts that name it, and
/// <c>--engine classic</c> (the trainer's own autograd, removed in issue 14) is a usage error.
/// </summary>
internal sealed class EngineOptions
{
    /// <summary>The removed engine's name.</summary>
    public const string Classic = "classic";

    /// <summary>The LibTorch engine's name (the only one).</summary>
    public const string Torch = "torch";

    public EngineOptions()
    {
        Engine.Validators.Add(result =>
        {
            string? engine = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (engine == Classic) result.AddError("--engine classic: the classic engine (the trainer's own autograd) was removed; the trainer runs on TorchSharp/LibTorch (--engine torch, the default).");
            else if (engine is not null && engine != Torch) result.AddError($"--engine must be torch (got '{engine}').");
        });
    }

    public Option<string> Engine { get; } = CommandSupport.Option("--engine", "torch (TorchSharp/LibTorch, the only engine; accepted for older scripts).", Torch);

    public Option<string> Device { get; } = CommandSupport.Option("--device", "cpu, or cuda (with a CUDA LibTorch only).", "cpu");

    public void AddTo(Command command)
    {
        command.Options.Add(Engine);
        command.Options.Add(Device);
    }

    /// <summary>Prepares LibTorch: passive waiting and the thread count.</summary>
    public static void Start(int threads)
    {
        TorchRuntime.PreferPassiveWaiting();
        TorchRuntime.SetThreads(threads);
    }

    /// <summary>The LibTorch device of <c>--device</c>.</summary>
    public Device TorchDevice(ParseResult parse) => TorchRuntime.ParseDevice(parse.GetValue(Device)!);
}
