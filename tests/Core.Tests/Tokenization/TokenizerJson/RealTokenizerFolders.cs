using System.Collections.Concurrent;
using System.IO.Compression;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson;

/// <summary>
/// The real tokenizer.json folders (Llama 3, Qwen3, Gemma 3) as model folders: the fixtures keep files over 1 MB
/// gzipped (as shared/ does), so each folder is unpacked once per test run into a temp folder, then loaded once.
/// </summary>
internal static class RealTokenizerFolders
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Folders = new();
    private static readonly ConcurrentDictionary<string, Lazy<ITextTokenizer>> Tokenizers = new();

    public static string Folder(string name) => Folders.GetOrAdd(name, n => new Lazy<string>(() => Unpack(n))).Value;

    public static ITextTokenizer Load(string name) =>
        Tokenizers.GetOrAdd(name, n => new Lazy<ITextTokenizer>(() => TokenizerLoader.FromModelFolder(Folder(n)))).Value;

    private static string Unpack(string name)
    {
        var source = Path.Combine(TokenizerFixtures.FixturesDir, "tokenizers-real", name);
        var target = Path.Combine(Path.GetTempPath(), $"tokenizers-real-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            var fileName = Path.GetFileName(file);
            if (fileName.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
                using var output = File.Create(Path.Combine(target, fileName[..^3]));
                input.CopyTo(output);
            }
            else
            {
                File.Copy(file, Path.Combine(target, fileName), overwrite: true);
            }
        }

        return target;
    }
}
