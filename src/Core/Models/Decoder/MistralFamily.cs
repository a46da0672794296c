using System.Text.Json.Nodes;

namespace TuningService.Core.Models.Decoder;

/// <summary>Mistral (model_type "mistral", MistralForCausalLM): Llama with a sliding window on every layer.</summary>
public sealed class MistralFamily : DecoderFamily
{
    public override string ModelType => "mistral";

    public override IReadOnlyList<string> Architectures { get; } = ["MistralForCausalLM"];

    protected override DecoderConfig Parse(JsonObject json)
    {
        var config = DecoderConfigReader.Read(json, ModelType, new DecoderDefaults
        {
            TieWordEmbeddings = false, RmsNormEps = 1e-6, RopeTheta = 10000.0, MaxPositionEmbeddings = 4096 * 32,
            BosTokenId = 1, EosTokenId = 2,
        });
        // MistralConfig's sliding_window defaults to 4096; null (Mistral v0.2+) means none.
        var window = DecoderConfigReader.SlidingWindow(json, 4096);
        return config with
        {
            // modeling_mistral.py MistralModel.forward (145): one sliding-window mask for every layer when set.
            SlidingWindow = window,
            SlidingLayers = Enumerable.Repeat(window is not null, config.NumHiddenLayers).ToArray(),
        };
    }
}
