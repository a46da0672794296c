using System.Text.Json.Nodes;
using TuningService.Core.Tokenization;
using TuningService.Core.Tokenization.ByteLevelBpe;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>tokenizer.json's BPE kind, held to the GPT-2 vocab.json + merges.txt tokenizer (itself held to tiktoken).</summary>
public class TokenizerJsonTests
{
    private static readonly ByteLevelBpeTextTokenizer FromVocabAndMerges = ByteLevelBpeTextTokenizer.FromVocabAndMerges(Gpt2Vocab, Gpt2Merges);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gpt2_tokenizer_json_tokenizes_like_vocab_and_merges(bool mergesAsPairs)
    {
        using var folder = new TemporaryModelFolder().WithText("tokenizer.json", Gpt2TokenizerJson.Text(Gpt2TokenizerJson.Build(mergesAsPairs)));

        var tokenizer = ByteLevelBpeTextTokenizer.FromTokenizerJson(Path.Combine(folder.Path, "tokenizer.json"));

        Assert.Equal(
            (FromVocabAndMerges.VocabSize, FromVocabAndMerges.BosId, FromVocabAndMerges.EosId, FromVocabAndMerges.PadId, FromVocabAndMerges.UnkId, FromVocabAndMerges.AddBos),
            (tokenizer.VocabSize, tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId, tokenizer.AddBos));
        Assert.Equal(FromVocabAndMerges.AddedTokens, tokenizer.AddedTokens);
        GoldenAssert.AllEqual(Gpt2TestTexts.All, text => FromVocabAndMerges.Encode(text), text => tokenizer.Encode(text));
        GoldenAssert.AllEqual(
            Gpt2TestTexts.All,
            text => FromVocabAndMerges.Decode(FromVocabAndMerges.Encode(text), skipSpecialTokens: false),
            text => tokenizer.Decode(FromVocabAndMerges.Encode(text), skipSpecialTokens: false));
    }

    [Fact]
    public void Template_post_processor_that_starts_with_a_special_token_makes_it_bos()
    {
        var json = Gpt2TokenizerJson.Build(mergesAsPairs: false);
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [], "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [50256], "tokens": ["<|endoftext|>"]}}}]}
            """);
        using var folder = new TemporaryModelFolder().WithText("tokenizer.json", Gpt2TokenizerJson.Text(json));

        var tokenizer = ByteLevelBpeTextTokenizer.FromTokenizerJson(Path.Combine(folder.Path, "tokenizer.json"));

        Assert.Equal((50256, true), (tokenizer.BosId, tokenizer.AddBos));
        Assert.Equal([31373], tokenizer.Encode("hello")); // Encode itself never adds BOS
    }

    [Theory]
    [InlineData("pre_tokenizer", """{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""", "pre_tokenizer Metaspace")]
    [InlineData("pre_tokenizer", """{"type": "Sequence", "pretokenizers": [{"type": "Split"}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]}""", "pre_tokenizer Sequence[Split, ByteLevel]")]
    [InlineData("pre_tokenizer", """{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}""", "add_prefix_space")]
    [InlineData("pre_tokenizer", "null", "pre_tokenizer none")]
    [InlineData("normalizer", """{"type": "NFC"}""", "normalizer NFC")]
    [InlineData("decoder", """{"type": "Sequence", "decoders": [{"type": "Replace"}, {"type": "ByteFallback"}]}""", "decoder Sequence[Replace, ByteFallback]")]
    public void Pipelines_other_than_gpt2s_are_refused_naming_the_step(string step, string value, string named)
    {
        var json = Gpt2TokenizerJson.Build(mergesAsPairs: false);
        json[step] = JsonNode.Parse(value);
        using var folder = new TemporaryModelFolder().WithText("tokenizer.json", Gpt2TokenizerJson.Text(json));

        var error = Assert.Throws<NotSupportedException>(() => ByteLevelBpeTextTokenizer.FromTokenizerJson(Path.Combine(folder.Path, "tokenizer.json")));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("byte_fallback", "true")]
    [InlineData("ignore_merges", "true")]
    [InlineData("dropout", "0.1")]
    [InlineData("continuing_subword_prefix", "\"##\"")]
    public void Bpe_options_the_library_lacks_are_refused(string option, string value)
    {
        var json = Gpt2TokenizerJson.Build(mergesAsPairs: false);
        json["model"]![option] = JsonNode.Parse(value);
        using var folder = new TemporaryModelFolder().WithText("tokenizer.json", Gpt2TokenizerJson.Text(json));

        var error = Assert.Throws<NotSupportedException>(() => ByteLevelBpeTextTokenizer.FromTokenizerJson(Path.Combine(folder.Path, "tokenizer.json")));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_is_named_in_the_error()
    {
        using var folder = new TemporaryModelFolder().WithText("tokenizer.json", "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "tokenizer.json"), error.Message, StringComparison.Ordinal);
    }
}
