using System.Text.Json.Nodes;
using TuningService.Core.Tokenization;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>TokenizerLoader on GPT-2-style folders: which file wins, and what the Hugging Face configs change.</summary>
public class ByteLevelBpeLoaderTests
{
    [Fact]
    public void Gpt2_folder_with_vocab_and_merges_loads_gpt2()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(Gpt2Dir);

        Assert.Equal((50257, 50256, 50256, (int?)null, 50256, false), (tokenizer.VocabSize, tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId, tokenizer.AddBos));
        Assert.Equal([15496, 995, 0], tokenizer.Encode("Hello world!"));
    }

    [Fact]
    public void Gpt2_configs_as_transformers_writes_them_keep_bos_off()
    {
        // config.json names BOS, which must not make the tokenizer add it: GPT2Tokenizer's add_bos_token is false.
        using var folder = Gpt2Folder()
            .WithText("config.json", """{"model_type": "gpt2", "bos_token_id": 50256, "eos_token_id": 50256, "vocab_size": 50257}""")
            .WithText("special_tokens_map.json", """{"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}""");

        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal((50256, 50256, 50256, false), (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.AddBos));
    }

    [Fact]
    public void Add_bos_token_in_tokenizer_config_is_honoured()
    {
        using var folder = Gpt2Folder().WithText("tokenizer_config.json", """{"tokenizer_class": "GPT2Tokenizer", "add_bos_token": true}""");

        Assert.True(TokenizerLoader.FromModelFolder(folder.Path).AddBos);
    }

    [Fact]
    public void Added_tokens_decoder_adds_tokens_past_the_vocabulary()
    {
        using var folder = Gpt2Folder().WithText("tokenizer_config.json", """
            {"added_tokens_decoder": {"50256": {"content": "<|endoftext|>", "special": true},
                                      "50257": {"content": "<|pad|>", "special": true}},
             "pad_token": "<|pad|>"}
            """);

        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal((50258, 50257), (tokenizer.VocabSize, tokenizer.PadId));
        Assert.Equal([64, 50257, 65], tokenizer.Encode("a<|pad|>b"));
        Assert.Equal("ab", tokenizer.Decode([64, 50257, 65]));
        Assert.Equal("a<|pad|>b", tokenizer.Decode([64, 50257, 65], skipSpecialTokens: false));
    }

    [Fact]
    public void Tokenizer_json_is_preferred_over_vocab_and_merges()
    {
        var json = Gpt2TokenizerJson.Build(mergesAsPairs: false);
        json["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = 50257, ["content"] = "<|only-in-json|>", ["special"] = false });
        using var folder = Gpt2Folder().WithText("tokenizer.json", Gpt2TokenizerJson.Text(json));

        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal(50258, tokenizer.VocabSize);
        Assert.Equal("<|only-in-json|>", tokenizer.Decode([50257])); // not special: written even when skipping
    }

    [Fact]
    public void Sentencepiece_model_is_preferred_over_tokenizer_json()
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("spiece.model", T5Model)
            .WithText("tokenizer.json", """{"model": {"type": "Unigram", "unk_id": 2, "vocab": []}}""");

        Assert.Equal(32000, TokenizerLoader.FromModelFolder(folder.Path).VocabSize);
    }

    private static TemporaryModelFolder Gpt2Folder() =>
        new TemporaryModelFolder().WithFile("vocab.json", Gpt2Vocab).WithFile("merges.txt", Gpt2Merges);
}
