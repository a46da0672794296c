using TuningService.Core.Tokenization;
using TuningService.Core.Tokenization.ByteLevelBpe;
using TuningService.Core.Tokenization.TokenizerJson;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson;

/// <summary>The tokenizer.json pipeline's parts that the real goldens do not reach, each on a small file.</summary>
public class TokenizerJsonPipelineTests
{
    private static readonly ByteLevelBpeTextTokenizer Gpt2 = ByteLevelBpeTextTokenizer.FromVocabAndMerges(Gpt2Vocab, Gpt2Merges);

    [Fact]
    public void Gpt2_tokenizer_json_through_the_pipeline_tokenizes_like_vocab_and_merges()
    {
        using var folder = TokenizerJsonFiles.Folder(Gpt2TokenizerJson.Text(Gpt2TokenizerJson.Build(mergesAsPairs: true)));

        var tokenizer = Assert.IsType<TokenizerJsonTextTokenizer>(TokenizerLoader.FromModelFolder(folder.Path));

        GoldenAssert.AllEqual(Gpt2TestTexts.All, text => Gpt2.Encode(text), text => tokenizer.Encode(text));
        GoldenAssert.AllEqual(
            Gpt2TestTexts.All,
            text => Gpt2.Decode(Gpt2.Encode(text), skipSpecialTokens: false),
            text => tokenizer.Decode(Gpt2.Encode(text), skipSpecialTokens: false));
    }

    [Theory]
    [InlineData("normalizer", """{"type": "ByteLevel"}""", "normalizer ByteLevel is not supported")]
    [InlineData("pre_tokenizer", """{"type": "UnicodeScripts"}""", "pre_tokenizer UnicodeScripts is not supported")]
    [InlineData("pre_tokenizer", """{"type": "Sequence", "pretokenizers": [{"type": "FixedLength", "length": 5}]}""", "pre_tokenizer FixedLength is not supported")]
    [InlineData("decoder", """{"type": "CTC"}""", "decoder CTC is not supported")]
    [InlineData("post_processor", """{"type": "Unheard"}""", "post_processor Unheard is not supported")]
    [InlineData("pre_tokenizer", """{"type": "Split", "pattern": {"Regex": "a++"}, "behavior": "Isolated", "invert": false}""", "regex a++ cannot be used by .NET's Regex")]
    public void Unsupported_components_are_refused_naming_the_type_and_the_file(string step, string value, string message)
    {
        var model = """{"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}""";
        var json = step switch
        {
            "normalizer" => TokenizerJsonFiles.Build(model, normalizer: value),
            "pre_tokenizer" => TokenizerJsonFiles.Build(model, preTokenizer: value),
            "decoder" => TokenizerJsonFiles.Build(model, decoder: value),
            _ => TokenizerJsonFiles.Build(model, postProcessor: value),
        };
        using var folder = TokenizerJsonFiles.Folder(json);

        var error = Assert.Throws<NotSupportedException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder.Path, "tokenizer.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_type_is_refused()
    {
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build("""{"type": "Charformer", "vocab": {}}"""));

        var error = Assert.Throws<NotSupportedException>(() => TokenizerLoader.FromModelFolder(folder.Path));

        Assert.Contains("model Charformer is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unigram_takes_the_best_path_and_fuses_unknown_characters()
    {
        // "▁ab" (-4) beats "▁" + "ab" (-4.5) and "▁" + "a" + "b" (-8); "xx" has no piece: one fused <unk>.
        var model = """{"type": "Unigram", "unk_id": 0, "byte_fallback": false, "vocab": [["<unk>", 0.0], ["▁", -2.0], ["a", -3.0], ["b", -3.0], ["ab", -2.5], ["▁ab", -4.0], ["c", -10.0]]}""";
        var metaspace = """{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, preTokenizer: metaspace, decoder: metaspace));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([5, 5, 0], tokenizer.Encode("ab abxx"));
        Assert.Equal("ab ab", tokenizer.Decode([5, 5]));
        Assert.Equal(0, tokenizer.UnkId);
    }

    [Fact]
    public void Unigram_byte_fallback_spells_unknown_characters_as_bytes()
    {
        var model = """{"type": "Unigram", "unk_id": 0, "byte_fallback": true, "vocab": [["<unk>", 0.0], ["a", -1.0], ["<0xC3>", -5.0], ["<0xA9>", -5.0]]}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, decoder: """{"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]}"""));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([1, 2, 3, 1, 0], tokenizer.Encode("aéaz"));
        Assert.Equal("aéa", tokenizer.Decode([1, 2, 3, 1]));
        Assert.Equal("a\uFFFDa", tokenizer.Decode([1, 2, 1]));
    }

    [Fact]
    public void WordPiece_with_bert_pre_tokenizer_matches_longest_pieces_first()
    {
        var model = """{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, "hello": 4, "!": 5}}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(
            model,
            normalizer: """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}""",
            preTokenizer: """{"type": "BertPreTokenizer"}""",
            decoder: """{"type": "WordPiece", "prefix": "##", "cleanup": true}"""));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([1, 2, 3, 4, 5, 0], tokenizer.Encode("UnAffable  HELLO! xyz"));
        Assert.Equal("unaffable hello!", tokenizer.Decode([1, 2, 3, 4, 5]));
    }

    [Fact]
    public void Added_token_flags_strip_whitespace_and_keep_single_words_whole()
    {
        var model = """{"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1, "b": 2, " ": 5}}""";
        var added = """
            [{"id": 3, "content": "<m>", "single_word": false, "lstrip": true, "rstrip": true, "normalized": false, "special": true},
             {"id": 4, "content": "tok", "single_word": true, "lstrip": false, "rstrip": false, "normalized": false, "special": false},
             {"id": 6, "content": "<m>x", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false}]
            """;
        var split = """{"type": "Split", "pattern": {"String": " "}, "behavior": "Isolated", "invert": false}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, added, preTokenizer: split));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([1, 3, 2], tokenizer.Encode("a  <m> b"));
        Assert.Equal([1, 5, 6, 5, 2], tokenizer.Encode("a <m>x b"));
        Assert.Equal([4, 5, 2], tokenizer.Encode("tok b"));
        Assert.Equal([0, 5, 2], tokenizer.Encode("atok b"));
        Assert.Equal(3, tokenizer.TokenToId("<m>"));
        Assert.Equal("tok", tokenizer.IdToToken(4));
    }

    [Theory]
    [InlineData("Removed", new[] { "a", "b" })]
    [InlineData("Isolated", new[] { "a", "-", "-", "b" })]
    [InlineData("MergedWithPrevious", new[] { "a-", "-", "b" })]
    [InlineData("MergedWithNext", new[] { "a", "-", "-b" })]
    [InlineData("Contiguous", new[] { "a", "--", "b" })]
    public void Split_behaviours_cut_as_tokenizers_does(string behavior, string[] pieces)
    {
        var model = """{"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1, "b": 2, "-": 3, "--": 4, "a-": 5, "-b": 6}}""";
        var split = $$"""{"type": "Split", "pattern": {"String": "-"}, "behavior": "{{behavior}}", "invert": false}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, preTokenizer: split));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal(pieces, tokenizer.Encode("a--b").Select(id => tokenizer.IdToToken(id)));
    }

    [Fact]
    public void Gemma_pair_template_puts_bos_before_each_sequence()
    {
        var tokenizer = Assert.IsType<TokenizerJsonTextTokenizer>(RealTokenizerFolders.Load("gemma3"));

        var first = tokenizer.Encode("Hello");
        var second = tokenizer.Encode("world");

        Assert.Equal([2, .. first, 2, .. second], tokenizer.EncodePairWithSpecialTokens("Hello", "world"));
    }

    [Fact]
    public void Normalizers_run_in_sequence()
    {
        var model = """{"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "^cafe fi": 1}}""";
        var normalizer = """
            {"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "StripAccents"}, {"type": "Lowercase"},
             {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}, {"type": "Strip", "strip_left": true, "strip_right": true},
             {"type": "Prepend", "prepend": "^"}]}
            """;
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, normalizer: normalizer));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([1], tokenizer.Encode("  CAFE\u0301 \t  \uFB01 "));
    }

    [Fact]
    public void Whitespace_digits_and_punctuation_split_in_sequence()
    {
        var model = """{"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "ab": 1, "1": 2, "2": 3, ",": 4, "c": 5, "12": 6}}""";
        var preTokenizer = """{"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Digits", "individual_digits": true}, {"type": "Punctuation", "behavior": "Isolated"}]}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, preTokenizer: preTokenizer));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal([1, 2, 3, 4, 5], tokenizer.Encode("ab12,  c"));
    }

    [Theory]
    [InlineData("first", new[] { 1, 4, 2 })]
    [InlineData("always", new[] { 1, 4, 3 })]
    [InlineData("never", new[] { 0, 4, 2 })]
    public void Metaspace_prepend_scheme_first_prepends_only_at_the_start_of_the_text(string scheme, int[] ids)
    {
        var model = """{"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "▁a": 1, "b": 2, "▁b": 3}}""";
        var added = """[{"id": 4, "content": "<x>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}]""";
        var metaspace = $$"""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "{{scheme}}", "split": true}""";
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, added, preTokenizer: metaspace));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal(ids, tokenizer.Encode("a<x>b"));
    }

    [Fact]
    public void Llama2_style_decoders_replace_fall_back_to_bytes_fuse_and_strip()
    {
        var model = """{"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true, "vocab": {"<unk>": 0, "▁hello": 1, "▁world": 2, "<0x21>": 3, "<0xC3>": 4, "<0xA9>": 5}, "merges": []}""";
        var decoder = """
            {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
             {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
            """;
        using var folder = TokenizerJsonFiles.Folder(TokenizerJsonFiles.Build(model, decoder: decoder));
        var tokenizer = TokenizerLoader.FromModelFolder(folder.Path);

        Assert.Equal("hello world!é", tokenizer.Decode([1, 2, 3, 4, 5]));
        Assert.Equal([3, 4, 5, 0], tokenizer.Encode("!éxy"));
    }
}
