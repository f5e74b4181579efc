// The start-up baseline: a NativeAOT process that writes one line and exits.
Console.WriteLine("hello");
