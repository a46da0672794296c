using System.Text.Json.Nodes;
using TuningService.Core.Tokenization;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// Stands in for a model's tokenizer where TrainingSetup needs one (its special ids: padding, EOS, BOS). The bench
/// feeds token ids directly, so there is no text to encode or decode.
/// </summary>
public sealed class SyntheticTokenizer(int vocabSize, int? bosId, int eosId, int? padId) : ITextTokenizer
{
    /// <summary>The ids config.json names: bos_token_id (absent for T5), eos_token_id, pad_token_id.</summary>
    public static SyntheticTokenizer FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SyntheticTokenizer((int)config["vocab_size"]!, (int?)config["bos_token_id"], (int)config["eos_token_id"]!,
            (int?)config["pad_token_id"]);
    }

    public int VocabSize => vocabSize;
    public int? BosId => bosId;
    public int? EosId => eosId;
    public int? PadId => padId;
    public int? UnkId => null;
    public bool AddBos => bosId is not null && bosId != eosId; // Llama prepends BOS; GPT-2's BOS is its EOS and is not added

    public IReadOnlyList<int> Encode(string text) =>
        throw new NotSupportedException("The bench trains on synthetic token ids; it has no text to encode.");

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) =>
        throw new NotSupportedException("The bench trains on synthetic token ids; it has no text to decode.");
}
