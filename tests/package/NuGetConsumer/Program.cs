// A new console app that restores the `EdgeBert` package from a local folder feed and classifies
// texts with it (scripts/test.d/package.sh copies this folder to a temporary directory).
// Usage: NuGetConsumer MODEL TEXT...
using EdgeBert.Kernels;
using EdgeBert.Runtime;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: NuGetConsumer MODEL TEXT...");
    return 2;
}
using var model = Model.Load(args[0]);
var session = model.CreateSession();
Console.WriteLine($"kernels: {KernelIsaSelector.Active}");
foreach (string text in args.Skip(1))
{
    Classification c = session.Classify(text);
    Console.WriteLine($"{c.LabelName}\t{c.Score:F4}");
}
return 0;
