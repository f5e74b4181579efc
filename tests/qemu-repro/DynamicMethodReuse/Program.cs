using System.Globalization;
using System.Reflection.Emit;

// Each round emits a dynamic method that returns the round's number, calls it once and drops it;
// every 50 rounds a collection frees the dropped methods, and the runtime reuses their code
// memory for the next ones (writing the new code through its W^X writable view). A method that
// returns another round's number ran code that is no longer there. Exit 1 when any did.
int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
int stale = 0;
for (int round = 0; round < rounds; round++)
{
    var method = new DynamicMethod($"round{round}", typeof(int), Type.EmptyTypes);
    var il = method.GetILGenerator();
    il.Emit(OpCodes.Ldc_I4, round);
    il.Emit(OpCodes.Ret);
    int returned = method.CreateDelegate<Func<int>>()();
    if (returned != round && ++stale <= 5) Console.WriteLine($"round {round}: the dynamic method returned {returned}");
    if (round % 50 == 0)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
Console.WriteLine($"{stale} of {rounds} dynamic methods returned a stale value " +
    $"(DOTNET_EnableWriteXorExecute={Environment.GetEnvironmentVariable("DOTNET_EnableWriteXorExecute") ?? "unset"})");
return stale == 0 ? 0 : 1;
