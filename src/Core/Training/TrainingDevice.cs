using TorchSharp;

namespace TuningService.Core.Training;

/// <summary>Where training runs: the first CUDA device when this build and machine have one, else the CPU.</summary>
public static class TrainingDevice
{
    public static string Select() => torch.cuda.is_available() ? "cuda" : "cpu";

    public static string Describe(string device) => device == "cpu"
        ? $"cpu ({torch.get_num_threads()} threads)"
        : $"{device} ({torch.cuda.device_count()} device(s) visible)";
}
