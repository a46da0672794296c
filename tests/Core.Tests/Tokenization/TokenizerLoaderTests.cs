using TuningService.Core.Tokenization;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

public class TokenizerLoaderTests
{
    [Fact]
    public void Babyllama_folder_loads_tok105_with_bos_and_eos()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(BabyLlamaDir);

        // tokenizer_config.json: LlamaTokenizer, add_bos_token true, pad_token null; config.json: bos 1, eos 2.
        Assert.Equal((105, 1, 2, (int?)null, 0, true), (tokenizer.VocabSize, tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId, tokenizer.AddBos));
        GoldenAssert.EncodesLikeSentencePiece(tokenizer, SentencePieceGoldenCase.Load(RealGolden("tok105")));
    }

    [Fact]
    public void T5_folder_with_only_spiece_model_has_no_bos()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(T5Dir);

        Assert.Equal((32000, (int?)null, 1, 0, 2, false), (tokenizer.VocabSize, tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId, tokenizer.AddBos));
        GoldenAssert.EncodesLikeSentencePiece(tokenizer, SentencePieceGoldenCase.Load(RealGolden("t5")));
    }

    [Fact]
    public void Tokenizer_model_is_preferred_over_spiece_model()
    {
        using var folder = new TemporaryModelFolder().WithFile("tokenizer.model", Llama2Model).WithFile("spiece.model", T5Model);

        Assert.Equal(32000, TokenizerLoader.FromModelFolder(folder.Path).VocabSize);
        Assert.Equal([263], TokenizerLoader.FromModelFolder(folder.Path).Encode("a"));
    }

    [Fact]
    public void Tokenizer_config_overrides_add_bos_and_names_the_pad_token()
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("tokenizer.model", Llama2Model)
            .WithText("tokenizer_config.json", """{"add_bos_token": false, "pad_token": {"__type": "AddedToken", "content": "</s>"}}""");

        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal((1, 2, 2, false), (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.AddBos));
    }

    [Fact]
    public void Special_tokens_map_wins_over_tokenizer_config()
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("tokenizer.model", Llama2Model)
            .WithText("tokenizer_config.json", """{"pad_token": "</s>"}""")
            .WithText("special_tokens_map.json", """{"pad_token": "<unk>"}""");

        Assert.Equal(0, TokenizerLoader.FromModelFolder(folder.Path).PadId);
    }

    [Fact]
    public void Config_json_ids_apply_when_the_tokenizer_configs_name_no_token()
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("tokenizer.model", Llama2Model)
            .WithText("config.json", """{"bos_token_id": 1, "eos_token_id": [2, 1], "pad_token_id": 0}""");

        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal((1, 2, 0), (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId));
    }

    [Theory]
    [InlineData("LlamaTokenizer", true)]
    [InlineData("LlamaTokenizerFast", true)]
    [InlineData("T5Tokenizer", false)]
    public void Add_bos_defaults_by_tokenizer_class(string tokenizerClass, bool expected)
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("tokenizer.model", Llama2Model)
            .WithText("tokenizer_config.json", $$"""{"tokenizer_class": "{{tokenizerClass}}"}""");

        Assert.Equal(expected, TokenizerLoader.FromModelFolder(folder.Path).AddBos);
    }

    [Fact]
    public void Add_bos_without_a_bos_token_is_rejected()
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("spiece.model", T5Model)
            .WithText("tokenizer_config.json", """{"add_bos_token": true}""");

        var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.FromModelFolder(folder.Path));
        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_without_a_tokenizer_file_names_the_folder_and_the_files_looked_for()
    {
        using var folder = new TemporaryModelFolder().WithText("config.json", "{}");

        var error = Assert.Throws<FileNotFoundException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.model", error.Message, StringComparison.Ordinal);
        Assert.Contains("spiece.model", error.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("vocab.json + merges.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vocab_json_without_merges_txt_is_not_a_tokenizer()
    {
        using var folder = new TemporaryModelFolder().WithFile("vocab.json", Gpt2Vocab);

        var error = Assert.Throws<FileNotFoundException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains("vocab.json + merges.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_tokenizer_model_is_named_in_the_error()
    {
        using var folder = new TemporaryModelFolder().WithText("tokenizer.model", "not a model");

        var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "tokenizer.model"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_folder_is_named_in_the_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => TokenizerLoader.FromModelFolder(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
