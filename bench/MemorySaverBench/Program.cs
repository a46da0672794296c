using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TuningService.Bench;
using TuningService.Core.Models.Llama;
using TuningService.Core.Training;
using static TorchSharp.torch;

// Peak resident memory of one training step (forward and backward, fp32, random weights) of a Llama, with and
// without block checkpointing and the chunked loss. One setting per process, so that each peak is its own:
//   dotnet bench/MemorySaverBench/bin/Release/net10.0/MemorySaverBench.dll plain|checkpointing|chunks|both [hidden layers batch length vocab chunk]
// The peak is VmHWM after the model is built and a first step has run (so both start from the same warm heap),
// minus VmRSS at that point: what the step itself adds.
string mode = args.Length > 0 ? args[0] : "plain";
int[] shape = args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
int hidden = shape.ElementAtOrDefault(0) is > 0 and var h ? h : 512;
int layers = shape.ElementAtOrDefault(1) is > 0 and var l ? l : 8;
int batch = shape.ElementAtOrDefault(2) is > 0 and var b ? b : 4;
int length = shape.ElementAtOrDefault(3) is > 0 and var t ? t : 512;
int vocab = shape.ElementAtOrDefault(4) is > 0 and var v ? v : 32000;
int chunk = shape.ElementAtOrDefault(5) is > 0 and var c ? c : 1024;
bool checkpointing = mode is "checkpointing" or "both";
int chunkPositions = mode is "chunks" or "both" ? chunk : 0;

manual_seed(1);
var config = LlamaConfig.FromJson(new JsonObject
{
    ["hidden_size"] = hidden, ["intermediate_size"] = hidden * 11 / 4, ["num_hidden_layers"] = layers,
    ["num_attention_heads"] = hidden / 64, ["num_key_value_heads"] = hidden / 64, ["vocab_size"] = vocab,
    ["max_position_embeddings"] = length, ["tie_word_embeddings"] = false,
});
using var model = new LlamaForCausalLM(config);
model.train();
model.Checkpointing.Enabled = checkpointing;
var objective = new CausalObjective(model);
objective.UseLossChunks(chunkPositions);
using var ids = randint(0, vocab, [batch, length]);

void Step()
{
    using var scope = NewDisposeScope();
    model.zero_grad();
    var (loss, _) = objective.Compute(ids, ids, ids);
    loss.backward();
}

Step();
double before = ProcessMemory.ResidentMb();
ProcessMemory.ResetPeak();
var clock = Stopwatch.StartNew();
Step();
double seconds = clock.Elapsed.TotalSeconds;
double peak = ProcessMemory.PeakResidentMb();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{mode,-14} hidden={hidden} layers={layers} batch={batch}x{length} vocab={vocab} chunk={chunkPositions}: " +
    $"resident before {before:F0} MiB, step peak {peak:F0} MiB (+{peak - before:F0} MiB), {seconds:F1} s"));
