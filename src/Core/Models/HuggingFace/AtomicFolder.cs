namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Writes a folder atomically: everything goes to a hidden sibling folder first, which is renamed to the target
/// only when complete, so readers never see a half-written folder. An existing folder is replaced as a whole.
/// </summary>
internal static class AtomicFolder
{
    public static void Write(string folder, Action<string> fillStaging)
    {
        var target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{folder}' has no parent folder.", nameof(folder));
        var name = Path.GetFileName(target);
        var staging = Path.Combine(parent, $".{name}.saving-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            fillStaging(staging);
            MoveIntoPlace(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static void MoveIntoPlace(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var replaced = $"{staging}.replaced";
        Directory.Move(target, replaced);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(replaced, target);
            throw;
        }
        Directory.Delete(replaced, recursive: true);
    }
}
