using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// Process-wide LibTorch settings of the trainer's commands: the thread counts (<c>--threads</c>)
/// and the device (<c>--device cpu|cuda</c>).
/// </summary>
public static class TorchRuntime
{
    /// <summary>The OpenMP setting <see cref="PreferPassiveWaiting"/> sets.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>
    /// Makes LibTorch's OpenMP threads sleep rather than spin while they wait
    /// (<c>OMP_WAIT_POLICY=PASSIVE</c>), unless the variable is already set. Spinning workers waste
    /// whole time slices when the cores are shared with other processes: measured on the shared
    /// 2-core machine (load 20), the teacher configuration's training step took 3.8 s spinning and
    /// 0.26 s passive. OpenMP reads the variable when LibTorch is loaded, so this must run before
    /// the first LibTorch call of the process (the commands call it first); later it changes
    /// nothing. Returns whether it set the variable. Linux only (elsewhere it does nothing).
    /// </summary>
    public static bool PreferPassiveWaiting()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WaitPolicyVariable) is not null) return false;
        // .NET keeps its own copy of the environment on Unix: the native one, which OpenMP reads, needs libc's setenv.
        return SetNativeEnvironment(WaitPolicyVariable, "PASSIVE", 0) == 0;
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);

    /// <summary>
    /// Uses <paramref name="threads"/> intra-op threads (<c>torch.set_num_threads</c>) and, when
    /// LibTorch still allows it (only before its first parallel work), as many inter-op threads
    /// (<c>torch.set_num_interop_threads</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">threads is less than 1.</exception>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        set_num_threads(threads);
        if (get_num_interop_threads() == threads) return;
        // LibTorch accepts the inter-op pool size once per process: a second, different setting (a
        // second command in the same process, tests) throws a c10::Error that terminates the process
        // instead of reaching the catch below, so only the first call sets it; later ones keep it.
        if (Interlocked.Exchange(ref s_interopThreadsSet, 1) != 0) return;
        try
        {
            set_num_interop_threads(threads);
        }
        catch (ExternalException)
        {
            // Refused (inter-op work already started): the default stays.
        }
    }

    private static int s_interopThreadsSet;

    /// <summary>The device named by <c>--device</c>: <c>cpu</c>, or <c>cuda</c> where LibTorch sees a CUDA device.</summary>
    /// <exception cref="ArgumentException">An unknown name, or cuda without a CUDA LibTorch and device.</exception>
    public static Device ParseDevice(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "cpu" => CPU,
            "cuda" when cuda.is_available() => CUDA,
            "cuda" => throw new ArgumentException(
                "--device cuda: LibTorch sees no CUDA device. This build references the CPU LibTorch (libtorch-cpu-*); " +
                "a CUDA LibTorch package (e.g. TorchSharp-cuda-linux) and an NVIDIA driver are needed. Use --device cpu."),
            _ => throw new ArgumentException($"--device must be cpu or cuda (got '{name}')."),
        };
    }
}
