using TuningService.Core.Tokenization.SentencePiece;

namespace TuningService.Core.Tokenization;

/// <summary>Builds the tokenizer of a Hugging Face-style model folder.</summary>
public static class TokenizerLoader
{
    // Tried in order; the first whose files exist wins. Other formats slot in here.
    private static readonly ITokenizerFormat[] Formats = [new SentencePieceTokenizerFormat()];

    /// <summary>
    /// Loads the folder's tokenizer file and applies tokenizer_config.json / special_tokens_map.json /
    /// config.json (add_bos_token, bos/eos/pad tokens). Throws FileNotFoundException, naming the folder and the
    /// files looked for, when there is no supported tokenizer file.
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
}
