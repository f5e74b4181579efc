namespace EdgeBert.Trainer;

/// <summary>Entry point of the <c>edgebert-train</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("edgebert-train: no commands yet");
        return 2;
    }
}
