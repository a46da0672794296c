using TuningService.Core.Training;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// Random token sequences of one length, so every batch is the same shape and holds no padding: the speed measured
/// is the model's, not the data's. Ids are drawn from [3, vocab − 1), clear of the special ids at either end.
/// </summary>
public static class SyntheticData
{
    /// <summary>Decoder-only examples: <paramref name="length"/> tokens, every one labelled (train_on_inputs).</summary>
    public static List<TokenizedExample> Causal(int count, int length, int vocabSize, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var ids = Draw(random, length, vocabSize);
            return new TokenizedExample(ids, [.. ids]);
        })];
    }

    /// <summary>Encoder-decoder examples: an input of <paramref name="inputLength"/> and a target of <paramref name="targetLength"/> ending in EOS.</summary>
    public static List<TokenizedExample> Seq2Seq(int count, int inputLength, int targetLength, int vocabSize, int eosId, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var input = Draw(random, inputLength, vocabSize);
            var target = Draw(random, targetLength, vocabSize);
            input[^1] = eosId;
            target[^1] = eosId;
            return new TokenizedExample(input, target);
        })];
    }

    private static int[] Draw(Random random, int length, int vocabSize) =>
        [.. Enumerable.Range(0, length).Select(_ => random.Next(3, vocabSize - 1))];
}
