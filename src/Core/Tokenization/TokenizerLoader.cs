using TuningService.Core.Tokenization.ByteLevelBpe;
using TuningService.Core.Tokenization.SentencePiece;

namespace TuningService.Core.Tokenization;

/// <summary>Builds the tokenizer of a Hugging Face-style model folder.</summary>
public static class TokenizerLoader
{
    // Tried in order; the first whose files exist wins. SentencePiece first: a folder holding both a .model and a
    // tokenizer.json (Llama, T5) is read from the .model, which this project reproduces exactly.
    private static readonly ITokenizerFormat[] Formats =
        [new SentencePieceTokenizerFormat(), new TokenizerJson.TokenizerJsonTokenizerFormat(), new VocabAndMergesTokenizerFormat()];

    /// <summary>
    /// Loads the folder's tokenizer file (tokenizer.model / spiece.model, else tokenizer.json of any supported pipeline,
    /// else GPT-2's vocab.json + merges.txt) and applies tokenizer_config.json / special_tokens_map.json /
    /// config.json (add_bos_token, bos/eos/pad tokens, T5 sentinels). Throws FileNotFoundException, naming the
    /// folder and the files looked for, when there is no supported tokenizer file, and NotSupportedException
    /// naming what is unsupported in one that is there (the tokenizer.json component type and the file).
    /// </summary>
    public static ITextTokenizer FromModelFolder(string dir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        var fullPath = Path.GetFullPath(dir);
        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"Model folder '{fullPath}' does not exist.");
        }

        var config = HuggingFaceTokenizerConfig.Read(fullPath);
        foreach (var format in Formats)
        {
            if (format.TryLoad(fullPath, config) is { } tokenizer)
            {
                return tokenizer;
            }
        }

        var lookedFor = string.Join(", ", Formats.SelectMany(format => format.FileNames));
        throw new FileNotFoundException($"No supported tokenizer file in model folder '{fullPath}': looked for {lookedFor}.");
    }

    /// <summary>The folder's tokenizer_config.json / special_tokens_map.json values (none of the files is required).</summary>
    public static TokenizerFolderConfig ReadFolderConfig(string dir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        var config = HuggingFaceTokenizerConfig.Read(Path.GetFullPath(dir));
        return new TokenizerFolderConfig(
            config.TokenizerClass,
            config.BosToken.Content,
            config.EosToken.Content,
            config.PadToken.Content,
            config.UnkToken.Content,
            config.AddBosToken,
            config.AddEosToken,
            config.CleanUpTokenizationSpaces,
            config.ChatTemplates.TryGetValue("default", out var template) ? template : null,
            config.ChatTemplates);
    }
}
