namespace TuningService.Core.Tests.Tokenization;

/// <summary>A scratch model folder under the temp directory, deleted on dispose.</summary>
internal sealed class TemporaryModelFolder : IDisposable
{
    public TemporaryModelFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tokenizer-loader-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public TemporaryModelFolder WithFile(string name, string sourcePath)
    {
        File.Copy(sourcePath, System.IO.Path.Combine(Path, name));
        return this;
    }

    public TemporaryModelFolder WithText(string name, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, name), content);
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
