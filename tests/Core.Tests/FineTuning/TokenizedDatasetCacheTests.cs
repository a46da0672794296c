using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.FineTuning;

public class TokenizedDatasetCacheTests : IDisposable
{
    readonly string dataDir = Directory.CreateTempSubdirectory("tokcache-").FullName;
    readonly string tokenizerDir = Directory.CreateTempSubdirectory("tokdir-").FullName;

    public TokenizedDatasetCacheTests() => File.WriteAllText(Path.Combine(tokenizerDir, "tokenizer_config.json"), "{}");

    public void Dispose()
    {
        Directory.Delete(dataDir, true);
        Directory.Delete(tokenizerDir, true);
    }

    static TokenizedDataset Sample() => new([new TokenizedExample([1, 5, 6, 2], [-100, -100, 6, 2]), new TokenizedExample([1, 7, 2], [-100, 7, 2], true)], 1);

    [Fact]
    public void A_second_request_reads_the_same_tokens_back_without_tokenizing()
    {
        var cache = new TokenizedDatasetCache(new DataPaths(dataDir));
        var calls = 0;
        var first = cache.GetOrCreate("abc", tokenizerDir, "causal:256", () => { calls++; return Sample(); }, out var firstHit);
        var second = cache.GetOrCreate("abc", tokenizerDir, "causal:256", () => { calls++; return Sample(); }, out var secondHit);
        Assert.Equal((false, true, 1), (firstHit, secondHit, calls));
        Assert.Equal(first.TruncatedCount, second.TruncatedCount);
        Assert.Equal(first.Examples.Select(e => (e.InputIds, e.Labels, e.WasTruncated)), second.Examples.Select(e => (e.InputIds, e.Labels, e.WasTruncated)));
    }

    [Fact]
    public void Another_file_framing_or_tokenizer_is_a_miss()
    {
        var cache = new TokenizedDatasetCache(new DataPaths(dataDir));
        cache.GetOrCreate("abc", tokenizerDir, "causal:256", Sample, out _);
        cache.GetOrCreate("abd", tokenizerDir, "causal:256", Sample, out var otherFile);
        cache.GetOrCreate("abc", tokenizerDir, "causal:128", Sample, out var otherFraming);
        File.WriteAllText(Path.Combine(tokenizerDir, "tokenizer_config.json"), """{"add_bos_token": false}""");
        cache.GetOrCreate("abc", tokenizerDir, "causal:256", Sample, out var otherTokenizer);
        Assert.Equal((false, false, false), (otherFile, otherFraming, otherTokenizer));
    }

    [Fact]
    public void A_damaged_entry_is_rebuilt()
    {
        var cache = new TokenizedDatasetCache(new DataPaths(dataDir));
        cache.GetOrCreate("abc", tokenizerDir, "f", Sample, out _);
        var entry = Directory.GetFiles(Path.Combine(dataDir, "cache", "tokenized")).Single();
        File.WriteAllBytes(entry, [1, 0, 0, 0, 9]);
        var rebuilt = cache.GetOrCreate("abc", tokenizerDir, "f", Sample, out var hit);
        Assert.False(hit);
        Assert.Equal(2, rebuilt.Examples.Count);
    }
}
