using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Quantization;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// A frozen linear layer (nn.Linear, or GPT-2's Conv1D when <see cref="FanInFanOut"/>) whose weight is held
/// quantized (<see cref="QuantizedWeight"/>) and dequantized for each product (<see cref="DequantizingLinearFunction"/>),
/// as bitsandbytes' Linear4bit/Params4bit are in a QLoRA model. The bias stays a plain, frozen parameter. A full
/// checkpoint is written from the unquantized weight, read back from the base model's files (<see cref="ReadOriginalWeight"/>):
/// writing the dequantized weight would bake the quantization error into every saved model.
/// </summary>
public sealed class QuantizedLinear : nn.Module<Tensor, Tensor>, ICheckpointTensorSource
{
    private readonly Parameter? bias;

    public QuantizedLinear(QuantizedWeight weight, Parameter? bias, bool fanInFanOut, Func<Tensor>? readOriginalWeight)
        : base(nameof(QuantizedLinear))
    {
        ArgumentNullException.ThrowIfNull(weight);
        Weight = weight;
        this.bias = bias;
        FanInFanOut = fanInFanOut;
        (InFeatures, OutFeatures) = fanInFanOut ? (weight.Shape[0], weight.Shape[1]) : (weight.Shape[1], weight.Shape[0]);
        ReadOriginalWeight = readOriginalWeight;
        RegisterComponents();
    }

    public QuantizedWeight Weight { get; }

    public Parameter? Bias => bias;

    public bool FanInFanOut { get; }

    public long InFeatures { get; }

    public long OutFeatures { get; }

    /// <summary>Reads this layer's weight as the base checkpoint stores it (its dtype); null when there is no such file.</summary>
    public Func<Tensor>? ReadOriginalWeight { get; }

    public override Tensor forward(Tensor input) => DequantizingLinearFunction.Apply(input, Weight, bias, FanInFanOut);

    /// <summary>The weight in its stored layout as the base checkpoint holds it, in its dtype.</summary>
    public Tensor OriginalWeight() =>
        ReadOriginalWeight?.Invoke()
        ?? throw new InvalidOperationException("This quantized layer was not loaded from a checkpoint, so its unquantized weight cannot be written.");

    public IReadOnlyDictionary<string, Tensor> CheckpointTensors()
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["weight"] = OriginalWeight() };
        if (bias is not null)
            tensors["bias"] = bias;
        return tensors;
    }

    // The codes are not a registered buffer (a dtype conversion would turn them into floats); device moves carry them.
    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        Weight.MoveTo(device);
        return base._to(device, dtype, non_blocking);
    }

    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        Weight.MoveTo(new Device(deviceType, deviceIndex));
        return base._to(deviceType, deviceIndex, non_blocking);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Weight.Dispose();
        base.Dispose(disposing);
    }
}
