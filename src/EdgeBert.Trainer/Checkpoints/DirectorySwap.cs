namespace EdgeBert.Trainer.Checkpoints;

/// <summary>
/// Replaces a directory as a whole: the new content is written into <c>DIR.tmp</c>, the old
/// directory is moved to <c>DIR.old</c>, the new one moved into place, the old one deleted. An
/// interruption while writing leaves the previous directory intact.
/// </summary>
internal static class DirectorySwap
{
    /// <summary>Writes <paramref name="directory"/> anew through <paramref name="write"/>, which receives the temporary directory to fill.</summary>
    public static void Replace(string directory, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(directory);
        string temporary = full + ".tmp";
        string old = full + ".old";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        write(temporary);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(full)) Directory.Move(full, old);
        Directory.Move(temporary, full);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }
}
