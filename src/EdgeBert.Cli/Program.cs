using EdgeBert.Kernels;

namespace EdgeBert.Cli;

/// <summary>Entry point of the <c>edgebert</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "info")
        {
            Console.WriteLine($"edgebert {typeof(Program).Assembly.GetName().Version}");
            Console.WriteLine($"kernel isa: {KernelIsaSelector.Active} (supported: {string.Join(", ", KernelIsaSelector.Supported)})");
            return 0;
        }
        Console.Error.WriteLine("usage: edgebert info");
        return 2;
    }
}
