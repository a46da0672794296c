namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>The model of a tokenizer.json (BPE, Unigram, WordPiece, WordLevel): one pre-token to ids.</summary>
internal interface ITokenModel
{
    /// <summary>The vocabulary: token string to id.</summary>
    IReadOnlyDictionary<string, int> Vocabulary { get; }

    int? UnkId { get; }

    void Tokenize(string word, List<int> ids);
}
