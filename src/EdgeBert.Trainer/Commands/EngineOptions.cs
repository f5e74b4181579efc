using System.CommandLine;
using EdgeBert.Trainer.Torch;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>--engine classic|torch</c> and <c>--device cpu|cuda</c> of the commands that run the model
/// (pretrain, finetune, eval, parity, bench). <c>classic</c> is the trainer's own autograd and
/// stays the default until the LibTorch path has reproduced its results (issue 14); <c>torch</c>
/// runs the same command on TorchSharp/LibTorch. Model directories and .ebm files are the same
/// either way.
/// </summary>
internal sealed class EngineOptions
{
    /// <summary>The classic engine's name.</summary>
    public const string Classic = "classic";

    /// <summary>The LibTorch engine's name.</summary>
    public const string Torch = "torch";

    public Option<string> Engine { get; } = CommandSupport.Option("--engine", "classic (the trainer's own autograd, default) or torch (TorchSharp/LibTorch).", Classic);

    public Option<string> Device { get; } = CommandSupport.Option("--device", "cpu, or cuda (torch engine with a CUDA LibTorch only).", "cpu");

    public void AddTo(Command command)
    {
        command.Options.Add(Engine);
        command.Options.Add(Device);
    }

    /// <summary>True for <c>--engine torch</c>, which also applies the thread count to LibTorch; false for classic.</summary>
    /// <exception cref="ArgumentException">An unknown engine, or a device other than cpu with the classic engine.</exception>
    public bool UseTorch(ParseResult parse, int threads)
    {
        string engine = parse.GetValue(Engine)!;
        if (engine is not (Classic or Torch)) throw new ArgumentException($"--engine must be classic or torch (got '{engine}').");
        if (engine == Classic)
        {
            if (parse.GetValue(Device) != "cpu") throw new ArgumentException("--device: the classic engine runs on the CPU only; use --engine torch for cuda.");
            return false;
        }

        TorchRuntime.PreferPassiveWaiting();
        TorchRuntime.SetThreads(threads);
        return true;
    }

    /// <summary>The LibTorch device of <c>--device</c>.</summary>
    public Device TorchDevice(ParseResult parse) => TorchRuntime.ParseDevice(parse.GetValue(Device)!);
}
