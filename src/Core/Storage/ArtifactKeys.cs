namespace TuningService.Core.Storage;

/// <summary>
/// The shape of keys and folder prefixes, checked the same way by both stores so that a key accepted by one is
/// accepted by the other: '/'-separated, relative, no empty, '.' or '..' segments (they would escape the data
/// folder locally and mean nothing in S3), no backslashes, and nothing under the local store's own folder.
/// </summary>
public static class ArtifactKeys
{
    /// <summary>The local store's own folder (sha256 sidecars, temporary files) under the data folder; no key may start with it.</summary>
    public const string ReservedFolder = ".artifact-store";

    public static string Check(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var problem = Problem(key);
        if (problem is not null) throw new ArgumentException($"Invalid artifact key '{key}': {problem}.", nameof(key));
        return key;
    }

    /// <summary>"" for everything; otherwise the folder with one trailing '/' (<c>jobs/x</c> and <c>jobs/x/</c> give <c>jobs/x/</c>).</summary>
    public static string Folder(string folderPrefix)
    {
        ArgumentNullException.ThrowIfNull(folderPrefix);
        if (folderPrefix.Length == 0) return "";
        var folder = folderPrefix.EndsWith('/') ? folderPrefix[..^1] : folderPrefix;
        var problem = Problem(folder);
        if (problem is not null) throw new ArgumentException($"Invalid artifact folder prefix '{folderPrefix}': {problem}.", nameof(folderPrefix));
        return folder + "/";
    }

    /// <summary>The key of a file below a local folder: its relative path with '/' separators, under the folder prefix.</summary>
    public static string ForLocalFile(string folder, string localFolder, string file) =>
        Check(folder + Path.GetRelativePath(localFolder, file).Replace(Path.DirectorySeparatorChar, '/'));

    static string? Problem(string key)
    {
        if (key.Length == 0) return "it is empty";
        if (key.Contains('\\')) return "use '/' to separate its parts, not '\\'";
        if (key.Any(char.IsControl)) return "it contains a control character";
        var segments = key.Split('/');
        if (segments.Any(s => s.Length == 0)) return "it has an empty part (a leading, trailing or doubled '/')";
        if (segments.Any(s => s is "." or "..")) return "'.' and '..' are not allowed as parts";
        if (segments[0] == ReservedFolder) return $"'{ReservedFolder}/' is the local store's own folder";
        return null;
    }
}
