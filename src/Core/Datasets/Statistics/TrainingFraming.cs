using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// How training turns (prompt, completion) pairs into token sequences for one model, without loading its weights:
/// the trainer's own example tokenizer (<see cref="ExampleTokenizer"/> for decoder-only models,
/// <see cref="Seq2SeqExampleTokenizer"/> for encoder-decoder ones) at the limit <see cref="TrainingSetup.For"/>
/// gives it, so that counts made here are the ones the loss sees.
/// </summary>
public sealed class TrainingFraming
{
    readonly IExampleTokenizer untruncated;

    /// <param name="modelContext">The model's context (config `max_position_embeddings`, `n_positions`).</param>
    /// <param name="maxSeqLength">A job's `max_seq_length`, or null for the model's context.</param>
    public TrainingFraming(ITextTokenizer tokenizer, bool isEncoderDecoder, int modelContext, int? maxSeqLength = null, bool trainOnInputs = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
        IsEncoderDecoder = isEncoderDecoder;
        ModelContext = modelContext;
        TrainOnInputs = trainOnInputs;
        // As TrainingSetup.For: a max_seq_length above the model's context is capped to it, not refused.
        ContextLength = Math.Min(modelContext, maxSeqLength ?? int.MaxValue);
        Examples = Create(tokenizer, ContextLength, trainOnInputs);
        // The same framing with no limit and no loss on the prompt: a record's full lengths, split at the completion.
        untruncated = Create(tokenizer, int.MaxValue, trainOnInputs: false);
    }

    /// <summary>The framing of the model in <paramref name="modelFolder"/> (its config.json and tokenizer files).</summary>
    public static TrainingFraming ForModel(string modelFolder, int? maxSeqLength = null, bool trainOnInputs = false) =>
        ForConfig(PretrainedModelLoader.LoadConfig(modelFolder), TokenizerLoader.FromModelFolder(modelFolder), maxSeqLength, trainOnInputs);

    /// <summary>The framing of a model with this config and tokenizer.</summary>
    public static TrainingFraming ForConfig(PretrainedConfig config, ITextTokenizer tokenizer, int? maxSeqLength = null, bool trainOnInputs = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        // T5 is the one encoder-decoder family (PretrainedModelLoader builds a Seq2SeqLanguageModel for it); the
        // others are decoder-only, as TrainingSetup.For tells them apart once the model is loaded.
        return new TrainingFraming(tokenizer, config is T5Config, config.MaxPositionEmbeddings, maxSeqLength, trainOnInputs);
    }

    public ITextTokenizer Tokenizer { get; }

    public bool IsEncoderDecoder { get; }

    public int ModelContext { get; }

    /// <summary>The longest sequence training keeps: the smaller of the model's context and max_seq_length.</summary>
    public int ContextLength { get; }

    public bool TrainOnInputs { get; }

    /// <summary>The trainer's example tokenizer for this model and limit.</summary>
    public IExampleTokenizer Examples { get; }

    /// <summary>
    /// The framing as the fine-tuning recipe writes it into the tokenized-data cache key (objective, limit,
    /// train_on_inputs), so tokens cached here serve the job and the other way round.
    /// </summary>
    public string CacheKey => Key(IsEncoderDecoder, ContextLength, TrainOnInputs);

    /// <summary>The framing part of the tokenized-data cache key: the objective, the context and train_on_inputs.</summary>
    public static string Key(bool encoderDecoder, int contextLength, bool trainOnInputs) =>
        $"{(encoderDecoder ? nameof(Seq2SeqObjective) : nameof(CausalObjective))}:{contextLength}:{trainOnInputs}";

    public FramedExample Frame(string prompt, string completion)
    {
        var trained = Examples.Tokenize(prompt, completion);
        // Tokenize again only when the first pass cannot give the split: most records fit and are read once.
        var full = trained.WasTruncated || TrainOnInputs ? untruncated.Tokenize(prompt, completion) : trained;
        var promptTokens = IsEncoderDecoder ? full.InputIds.Length : full.Labels.Count(l => l == CausalLmLoss.IgnoreIndex);
        var completionTokens = IsEncoderDecoder ? full.Labels.Length : full.Length - promptTokens;
        return new FramedExample(trained, promptTokens, completionTokens, LossTokens(trained));
    }

    /// <summary>The trainer's example tokenizer as TrainingSetup.For builds it (T5 takes the limit for input and target alike).</summary>
    IExampleTokenizer Create(ITextTokenizer tokenizer, int limit, bool trainOnInputs) => IsEncoderDecoder
        ? new Seq2SeqExampleTokenizer(tokenizer, limit, limit)
        : new ExampleTokenizer(tokenizer, limit, trainOnInputs);

    /// <summary>Labels the loss predicts: a causal LM's first position has nothing before it (see Batcher).</summary>
    int LossTokens(TokenizedExample example) => IsEncoderDecoder
        ? example.Labels.Length
        : example.Labels.Skip(1).Count(l => l != CausalLmLoss.IgnoreIndex);
}
