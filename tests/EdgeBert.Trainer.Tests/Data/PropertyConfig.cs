using FsCheck;

namespace EdgeBert.Trainer.Tests.Data;

/// <summary>FsCheck settings for the data tests: a fixed seed, so a failure replays identically.</summary>
internal static class PropertyConfig
{
    public const ulong Seed = 20021122UL;

    public static Config Replayable(int maxTest = 300) =>
        Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithReplay(new Replay(new Rnd(Seed, 1442695040888963407UL), null));
}
