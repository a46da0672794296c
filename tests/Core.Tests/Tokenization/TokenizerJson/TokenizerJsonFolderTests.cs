using TuningService.Core.Tokenization;
using TuningService.Core.Tokenization.TokenizerJson;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson;

/// <summary>The real tokenizer.json folders through TokenizerLoader: special ids from their configs, token lookups, chat templates.</summary>
public class TokenizerJsonFolderTests
{
    [Theory]
    [InlineData("llama3", 128000, 128001, null, false, 128256)]
    [InlineData("qwen3", null, 151645, 151643, false, 151669)]
    [InlineData("gemma3", 2, 106, 0, true, 262145)]
    public void Special_ids_come_from_the_folder_configs(string name, int? bos, int? eos, int? pad, bool addBos, int vocabSize)
    {
        var tokenizer = RealTokenizerFolders.Load(name);

        Assert.IsType<TokenizerJsonTextTokenizer>(tokenizer);
        Assert.Equal((bos, eos, pad, addBos, vocabSize), (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.AddBos, tokenizer.VocabSize));
    }

    [Theory]
    [InlineData("llama3", "<|eot_id|>", 128009)]
    [InlineData("llama3", "<|start_header_id|>", 128006)]
    [InlineData("qwen3", "<|im_end|>", 151645)]
    [InlineData("qwen3", "<think>", 151667)]
    [InlineData("gemma3", "<end_of_turn>", 106)]
    [InlineData("gemma3", "<image_soft_token>", 262144)]
    public void Special_token_strings_look_up_their_ids(string name, string token, int id)
    {
        var tokenizer = RealTokenizerFolders.Load(name);

        Assert.Equal(id, tokenizer.TokenToId(token));
        Assert.Equal(token, tokenizer.IdToToken(id));
        Assert.Null(tokenizer.TokenToId("<|not a token|>"));
        Assert.Null(tokenizer.IdToToken(tokenizer.VocabSize));
    }

    [Theory]
    [InlineData("llama3", "<|eot_id|>", "<|end_of_text|>")]
    [InlineData("qwen3", "<|im_start|>", "<|im_end|>")]
    [InlineData("gemma3", "<start_of_turn>", "<end_of_turn>")]
    public void Folder_config_exposes_the_chat_template_and_special_tokens(string name, string inTemplate, string eos)
    {
        var config = TokenizerLoader.ReadFolderConfig(RealTokenizerFolders.Folder(name));

        Assert.Contains(inTemplate, config.ChatTemplate, StringComparison.Ordinal);
        Assert.Equal(eos, config.EosToken);
        Assert.Equal(config.ChatTemplate, config.ChatTemplates["default"]);
    }

    [Fact]
    public void A_list_of_named_chat_templates_is_read_by_name()
    {
        using var folder = new TemporaryModelFolder().WithText("tokenizer_config.json", """
            {"chat_template": [{"name": "default", "template": "{{ messages }}"}, {"name": "tool_use", "template": "{{ tools }}"}],
             "bos_token": {"content": "<s>", "special": true}, "add_bos_token": true, "clean_up_tokenization_spaces": false}
            """);

        var config = TokenizerLoader.ReadFolderConfig(folder.Path);

        Assert.Equal("{{ messages }}", config.ChatTemplate);
        Assert.Equal("{{ tools }}", config.ChatTemplates["tool_use"]);
        Assert.Equal(("<s>", true, false), (config.BosToken, config.AddBosToken, config.CleanUpTokenizationSpaces));
    }

    [Fact]
    public void A_folder_with_a_sentencepiece_model_and_tokenizer_json_is_still_read_from_the_model()
    {
        using var folder = new TemporaryModelFolder()
            .WithFile("tokenizer.model", TokenizerFixtures.Llama2Model)
            .WithFile("tokenizer.json", Path.Combine(RealTokenizerFolders.Folder("qwen3"), "tokenizer.json"));

        Assert.IsType<Core.Tokenization.SentencePiece.SentencePieceTextTokenizer>(TokenizerLoader.FromModelFolder(folder.Path));
    }
}
