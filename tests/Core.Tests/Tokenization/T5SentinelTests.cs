using TuningService.Core.Tokenization;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>
/// T5's &lt;extra_id_N&gt; sentinels on the real 32000-piece spiece.model, as transformers' T5Tokenizer numbers
/// them (&lt;extra_id_0&gt; = 32099 ... &lt;extra_id_99&gt; = 32000). The ids of the text between sentinels are
/// Python sentencepiece 0.1.97's for each piece of text on its own ("The " → 37, " walks in " → 10681 16,
/// " park" → 2447, " cute dog " → 5295 1782, " the " → 8), run by hand.
/// </summary>
public class T5SentinelTests
{
    private const string T5Config = """{"model_type": "t5", "pad_token_id": 0, "eos_token_id": 1, "decoder_start_token_id": 0}""";

    [Fact]
    public void T5_folder_gets_100_sentinels_after_the_pieces_in_reverse()
    {
        using var folder = T5Folder(T5Config);
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal((32100, (int?)null, 1, 0, 2, false), (tokenizer.VocabSize, tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId, tokenizer.AddBos));
        for (var n = 0; n < 100; n++)
        {
            Assert.Equal([32099 - n], tokenizer.Encode($"<extra_id_{n}>"));
            Assert.Equal($"<extra_id_{n}>", tokenizer.Decode([32099 - n], skipSpecialTokens: false));
        }
    }

    [Fact]
    public void Sentinels_are_cut_out_of_the_text_before_sentencepiece()
    {
        using var folder = T5Folder(T5Config);
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([37, 32099, 10681, 16, 32098, 2447], tokenizer.Encode("The <extra_id_0> walks in <extra_id_1> park"));
        Assert.Equal([32099, 5295, 1782, 32098, 8, 32097], tokenizer.Encode("<extra_id_0> cute dog <extra_id_1> the <extra_id_2>"));
        Assert.Equal([37, 32099, 32098], tokenizer.Encode("The<extra_id_0><extra_id_1>"));
    }

    [Fact]
    public void Sentinels_decode_as_their_text_or_are_skipped()
    {
        using var folder = T5Folder(T5Config);
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);
        int[] ids = [37, 32099, 10681, 16, 32098, 2447, 1];

        Assert.Equal("The <extra_id_0> walks in <extra_id_1> park</s>", tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("The walks in park", tokenizer.Decode(ids));
        Assert.Equal("", tokenizer.Decode([32099]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([32100]));
    }

    [Fact]
    public void Extra_ids_in_tokenizer_config_sets_the_count()
    {
        using var folder = T5Folder(tokenizerConfig: """{"tokenizer_class": "T5Tokenizer", "extra_ids": 10}""");
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal(32010, tokenizer.VocabSize);
        Assert.Equal([32009, 32000], tokenizer.Encode("<extra_id_0><extra_id_9>"));
        Assert.NotEqual([32000], tokenizer.Encode("<extra_id_10>"));
    }

    [Fact]
    public void Sentinels_listed_in_additional_special_tokens_set_the_count()
    {
        using var folder = T5Folder(tokenizerConfig: """{"additional_special_tokens": ["<extra_id_0>", "<extra_id_1>", {"content": "<extra_id_2>"}]}""");

        Assert.Equal(32003, TokenizerLoader.FromModelFolder(folder.Path).VocabSize);
    }

    [Fact]
    public void Extra_ids_of_zero_turn_sentinels_off()
    {
        using var folder = T5Folder(T5Config, """{"extra_ids": 0}""");

        Assert.Equal(32000, TokenizerLoader.FromModelFolder(folder.Path).VocabSize);
    }

    [Fact]
    public void Extra_ids_that_disagree_with_the_listed_sentinels_are_refused()
    {
        using var folder = T5Folder(tokenizerConfig: """{"extra_ids": 100, "additional_special_tokens": ["<extra_id_0>", "<extra_id_1>"]}""");

        var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains("extra_ids 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spiece_model_without_t5_configs_has_no_sentinels()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(T5Dir);

        Assert.Equal(32000, tokenizer.VocabSize);
        Assert.DoesNotContain(32099, tokenizer.Encode("<extra_id_0>"));
    }

    private static TemporaryModelFolder T5Folder(string? config = null, string? tokenizerConfig = null)
    {
        var folder = new TemporaryModelFolder().WithFile("spiece.model", T5Model);
        if (config is not null)
        {
            folder.WithText("config.json", config);
        }

        if (tokenizerConfig is not null)
        {
            folder.WithText("tokenizer_config.json", tokenizerConfig);
        }

        return folder;
    }
}
