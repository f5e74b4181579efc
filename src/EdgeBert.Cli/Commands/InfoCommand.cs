using System.CommandLine;
using EdgeBert.Format;
using EdgeBert.Kernels;

namespace EdgeBert.Cli.Commands;

/// <summary><c>edgebert info</c>: version, model format versions and the kernel instruction set in use.</summary>
internal static class InfoCommand
{
    internal static Command Create()
    {
        var command = new Command("info", "Print the version and the active kernel instruction set.");
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine($"edgebert {typeof(Program).Assembly.GetName().Version}");
            output.WriteLine($"kernel isa: {KernelIsaSelector.Active} (supported: {string.Join(", ", KernelIsaSelector.Supported)})");
            output.WriteLine($"model format: version {EbmFile.SupportedFormatVersion}, packing version {EbmFile.SupportedPackingVersion}");
            return Program.ExitOk;
        });
        return command;
    }
}
