using System.Text.Json.Nodes;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// The model shapes measured, one per family, as the config.json a Hugging Face folder of that model would hold.
/// The weights are random (<see cref="RandomModelFolder"/>): speed and memory depend on the shapes, not the values.
/// </summary>
public static class BenchModels
{
    public static IReadOnlyList<string> Names { get; } = ["t5", "gpt2", "llama"];

    /// <param name="gpt2Layers">GPT-2 small has 12; fewer keep the run short on a small machine.</param>
    public static JsonObject Config(string name, int gpt2Layers) => name switch
    {
        // google/flan-t5-small's config.json, less the task prefixes (its tokenizer's ids: pad 0, eos 1).
        "t5" => new JsonObject
        {
            ["model_type"] = "t5", ["architectures"] = new JsonArray("T5ForConditionalGeneration"),
            ["vocab_size"] = 32128, ["d_model"] = 512, ["d_kv"] = 64, ["d_ff"] = 1024, ["num_layers"] = 8,
            ["num_decoder_layers"] = 8, ["num_heads"] = 6, ["feed_forward_proj"] = "gated-gelu",
            ["tie_word_embeddings"] = false, ["dropout_rate"] = 0.1, ["layer_norm_epsilon"] = 1e-6,
            ["relative_attention_num_buckets"] = 32, ["relative_attention_max_distance"] = 128, ["n_positions"] = 512,
            ["pad_token_id"] = 0, ["eos_token_id"] = 1, ["decoder_start_token_id"] = 0,
        },
        // openai-community/gpt2 (GPT-2 small), with n_layer as given.
        "gpt2" => new JsonObject
        {
            ["model_type"] = "gpt2", ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["vocab_size"] = 50257, ["n_embd"] = 768, ["n_layer"] = gpt2Layers, ["n_head"] = 12, ["n_positions"] = 1024,
            ["n_ctx"] = 1024, ["activation_function"] = "gelu_new", ["resid_pdrop"] = 0.1, ["embd_pdrop"] = 0.1,
            ["attn_pdrop"] = 0.1, ["layer_norm_epsilon"] = 1e-5, ["bos_token_id"] = 50256, ["eos_token_id"] = 50256,
        },
        // A small Llama with grouped-query attention (2 query heads per key/value head) and the Llama-2 vocabulary.
        "llama" => new JsonObject
        {
            ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["vocab_size"] = 32000, ["hidden_size"] = 512, ["intermediate_size"] = 1408, ["num_hidden_layers"] = 8,
            ["num_attention_heads"] = 8, ["num_key_value_heads"] = 4, ["max_position_embeddings"] = 2048,
            ["hidden_act"] = "silu", ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 10000.0, ["tie_word_embeddings"] = false,
            ["bos_token_id"] = 1, ["eos_token_id"] = 2,
        },
        _ => throw new ArgumentException($"Unknown model '{name}'; use one of {string.Join(", ", Names)}.", nameof(name)),
    };
}
