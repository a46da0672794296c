using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.PyBridge;
using TuningService.Bench;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Quantization;
using static TorchSharp.torch;

// Peak resident memory (VmHWM) of loading one model folder one way, in this fresh process: run once per mode.
//   dotnet bench/LoadMemoryBench/bin/Release/net10.0/LoadMemoryBench.dll FOLDER old|fp32|bf16|nf4-lora|int8-lora [SAVE_FOLDER]
// With SAVE_FOLDER, the model is then written merged (as a job's checkpoint is) and the peak printed again.
// old: the loader before issue 16 (module built in fp32, the whole safetensors file read, then copied).
// *-lora: the base loaded quantized (other weights bf16) and LoRA r 16 on all linear layers, as a QLoRA job sets up.
if (args.Length is not (2 or 3))
{
    Console.Error.WriteLine("usage: LoadMemoryBench FOLDER old|fp32|bf16|nf4-lora|int8-lora [SAVE_FOLDER]");
    return 2;
}
var (folder, mode) = (args[0], args[1]);
var before = ProcessMemory.PeakResidentMb();
var clock = Stopwatch.StartNew();
IDisposable model = mode switch
{
    "old" => LoadTheOldWay(folder),
    "fp32" => PretrainedModelLoader.Load(folder, CPU),
    "bf16" => PretrainedModelLoader.Load(folder, CPU, new WeightLoadOptions { Dtype = ScalarType.BFloat16 }),
    "nf4-lora" => WithLora(PretrainedModelLoader.Load(folder, CPU, new WeightLoadOptions { Dtype = ScalarType.BFloat16, Quantization = WeightQuantization.Nf4 })),
    "int8-lora" => WithLora(PretrainedModelLoader.Load(folder, CPU, new WeightLoadOptions { Dtype = ScalarType.BFloat16, Quantization = WeightQuantization.Int8 })),
    _ => throw new ArgumentException($"Unknown mode '{mode}'."),
};
var seconds = clock.Elapsed.TotalSeconds;
GC.Collect();
Console.WriteLine($"LOAD mode={mode} peak_rss_mib={ProcessMemory.PeakResidentMb():F0} rss_after_mib={ProcessMemory.ResidentMb():F0} " +
                  $"peak_before_load_mib={before:F0} seconds={seconds:F1}");
if (args.Length == 3 && model is LoadedModel loaded)
{
    clock.Restart();
    PretrainedModelWriter.Save(loaded.Model, loaded.Config, args[2], weightsDtype: loaded.CheckpointDtype);
    Console.WriteLine($"SAVE mode={mode} peak_rss_mib={ProcessMemory.PeakResidentMb():F0} seconds={clock.Elapsed.TotalSeconds:F1} dtype={loaded.CheckpointDtype}");
}
model.Dispose();
return 0;

static LoadedModel WithLora(LoadedModel loaded)
{
    LoraModel.Apply(loaded, new LoraConfig { R = 16, Alpha = 32, TargetModules = [LoraConfig.AllLinear] }, seed: 1);
    return loaded;
}

static nn.Module LoadTheOldWay(string folder)
{
    var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
    var family = ModelFamilies.Resolve(json);
    var model = family.CreateModel(family.ParseConfig(json));
    var stored = Safetensors.LoadStateDict(Path.Combine(folder, "model.safetensors"));
    using (no_grad())
        foreach (var (key, target) in model.state_dict())
            target.copy_(stored[key]);
    foreach (var tensor in stored.Values) tensor.Dispose();
    return model;
}
