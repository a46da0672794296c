using System.Security.Cryptography;
using System.Text;
using TuningService.Core.Configuration;
using TuningService.Core.Storage;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// Tokenized training data kept on disk under the data directory, keyed by everything the tokens depend on (the
/// file's sha256, the tokenizer files' bytes, the example framing), so a job tokenizes each file once: a restarted,
/// resumed or forked job on the same data and tokenizer reads the tokens back instead of tokenizing again.
/// Entries count towards Tuning:LocalCacheBytes (<see cref="LocalArtifactCache"/>): read whole into memory, they
/// need no lease, and an evicted one is tokenized again.
/// </summary>
public sealed class TokenizedDatasetCache(DataPaths paths, LocalArtifactCache? bound)
{
    // 2: preference pairs (the non-preferred sequence and the reference log-probs) after each example.
    const int FormatVersion = 2;

    /// <summary>A cache that nothing bounds.</summary>
    public TokenizedDatasetCache(DataPaths paths) : this(paths, null)
    {
    }

    public TokenizedDataset GetOrCreate(string fileSha256, string tokenizerFolder, string framing, Func<TokenizedDataset> tokenize, out bool hit)
    {
        var path = Path.Combine(LocalArtifactCache.TokenizedFolder(paths), Key(fileSha256, tokenizerFolder, framing) + ".bin");
        var relative = Path.GetRelativePath(paths.Root, path);
        if (File.Exists(path))
        {
            try
            {
                hit = true;
                bound?.Touch(relative);
                return Read(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException)
            {
                File.Delete(path); // a damaged entry is rebuilt below
            }
        }
        hit = false;
        var dataset = tokenize();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        Write(temp, dataset);
        File.Move(temp, path, overwrite: true); // readers see a whole file or none
        bound?.Record(relative);
        return dataset;
    }

    static string Key(string fileSha256, string tokenizerFolder, string framing)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"v{FormatVersion}\n{fileSha256}\n{framing}\n"));
        foreach (var file in Directory.EnumerateFiles(tokenizerFolder).Where(IsTokenizerFile).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static bool IsTokenizerFile(string path) => Path.GetFileName(path) is "tokenizer.model" or "spiece.model" or "tokenizer.json"
        or "vocab.json" or "merges.txt" or "tokenizer_config.json" or "special_tokens_map.json" or "added_tokens.json" or "config.json";

    static void Write(string path, TokenizedDataset dataset)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(FormatVersion);
        writer.Write(dataset.TruncatedCount);
        writer.Write(dataset.Examples.Count);
        foreach (var e in dataset.Examples)
        {
            writer.Write(e.WasTruncated);
            WriteInts(writer, e.InputIds);
            WriteInts(writer, e.Labels);
            writer.Write(e.Rejected is not null);
            if (e.Rejected is { } rejected)
            {
                WriteInts(writer, rejected.InputIds);
                WriteInts(writer, rejected.Labels);
            }
            writer.Write(e.Reference is not null);
            if (e.Reference is { } reference)
            {
                writer.Write(reference.Chosen);
                writer.Write(reference.Rejected);
            }
        }
    }

    static TokenizedDataset Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != FormatVersion) throw new InvalidDataException("Old tokenized-cache format.");
        var truncated = reader.ReadInt32();
        var count = reader.ReadInt32();
        var examples = new List<TokenizedExample>(count);
        for (var i = 0; i < count; i++)
        {
            var wasTruncated = reader.ReadBoolean();
            var example = new TokenizedExample(ReadInts(reader), ReadInts(reader), wasTruncated);
            if (reader.ReadBoolean()) example = example with { Rejected = new TokenizedExample(ReadInts(reader), ReadInts(reader)) };
            if (reader.ReadBoolean()) example = example with { Reference = new PairReference(reader.ReadSingle(), reader.ReadSingle()) };
            examples.Add(example);
        }
        return new TokenizedDataset(examples, truncated);
    }

    static void WriteInts(BinaryWriter writer, int[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    static int[] ReadInts(BinaryReader reader)
    {
        var values = new int[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++) values[i] = reader.ReadInt32();
        return values;
    }
}
