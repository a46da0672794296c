using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models;
using TuningService.Core.Models.Gpt2;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// A linear layer with a LoRA adapter (Hu et al. 2021; PEFT lora/layer.py, torchtune modules/peft/lora.py):
/// <code>y = base(x) + B(A(dropout(x))) · s,   s = alpha / r</code>
/// base(x) is the wrapped layer's W x + b with W [out, in] (nn.Linear) or [in, out] (GPT-2 Conv1D, PEFT's
/// fan_in_fan_out). A [r, in] starts kaiming-uniform(a = √5) and B [out, r] at zero, so a fresh adapter changes
/// nothing. The base tensors stay under their own names (weight, bias), as in torchtune, so the base model's
/// state-dict keys do not change; lora_A.weight and lora_B.weight sit beside them. <see cref="Merge"/> folds
/// s · B A into W, after which forward is the base layer's alone.
/// A quantized base (<see cref="QuantizedLinear"/>, QLoRA) is kept whole as base_layer, PEFT's name for the wrapped
/// layer; the adapter is the same, held in float32 and computed in the activations' dtype, so its PEFT folder is
/// that of an unquantized run. Such a layer is never merged in memory: its checkpoint tensors are the base weight as
/// the base checkpoint stores it plus s · B A (PEFT's convention: adapters trained on a quantized base are applied to
/// the unquantized one).
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>, ICheckpointTensorSource
{
    private readonly Parameter? weight;
    private readonly Parameter? bias;
    private readonly QuantizedLinear? base_layer;
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly double dropout;

    /// <param name="generator">A CPU generator that draws A; null uses torch's global one, as PEFT does.</param>
    private LoraLinear(Parameter weight, Parameter? bias, bool fanInFanOut, LoraConfig config, Generator? generator)
        : this(weight.shape, fanInFanOut, weight.device, AdapterDtype(weight.dtype), config)
    {
        this.weight = weight;
        this.bias = bias;
        Initialize(generator);
    }

    private LoraLinear(QuantizedLinear quantized, LoraConfig config, Generator? generator)
        : this(quantized.Weight.Shape, quantized.FanInFanOut, quantized.Weight.Device, ScalarType.Float32, config)
    {
        base_layer = quantized;
        Initialize(generator);
    }

    private LoraLinear(long[] weightShape, bool fanInFanOut, Device device, ScalarType adapterDtype, LoraConfig config)
        : base(nameof(LoraLinear))
    {
        FanInFanOut = fanInFanOut;
        (InFeatures, OutFeatures) = fanInFanOut ? (weightShape[0], weightShape[1]) : (weightShape[1], weightShape[0]);
        Rank = config.R;
        Scaling = config.Scaling;
        dropout = config.Dropout;
        lora_A = nn.Linear(InFeatures, Rank, hasBias: false, device: device, dtype: adapterDtype);
        lora_B = nn.Linear(Rank, OutFeatures, hasBias: false, device: device, dtype: adapterDtype);
    }

    /// <summary>
    /// A and B in float32 over a bfloat16 base (a bf16 job loads its frozen weights in bf16): the optimizer's fp32
    /// masters start from the exact draw, as they do when the base is loaded in fp32.
    /// </summary>
    private static ScalarType AdapterDtype(ScalarType baseDtype) => baseDtype == ScalarType.BFloat16 ? ScalarType.Float32 : baseDtype;

    private void Initialize(Generator? generator)
    {
        var device = lora_A.weight.device;
        using (no_grad())
        {
            // kaiming_uniform_(a=√5) with fan_in = in: gain √(2/(1+5)), bound √3·gain/√in = 1/√in. Written as the
            // uniform draw it reduces to because TorchSharp's kaiming_uniform_ takes no generator. Drawn on the CPU
            // so that a seed gives the same A on every device.
            var bound = 1.0 / Math.Sqrt(InFeatures);
            using var draw = empty([Rank, InFeatures], ScalarType.Float32).uniform_(-bound, bound, generator);
            lora_A.weight.copy_(draw);
            nn.init.zeros_(lora_B.weight);
        }
        RegisterComponents();
        // A module remembers the device it was last moved to and may skip a move to the device it thinks it is on;
        // built around tensors already on a GPU, it must record that device or a later move to the CPU could skip it.
        if (device.type != DeviceType.CPU)
            this.to(device);
    }

    /// <summary>
    /// Wraps an nn.Linear or Conv1D: its weight and bias become this module's (the same tensors, frozen by the
    /// caller), so the wrapped layer must not be used or disposed afterwards. The wrapper takes the layer's
    /// train/eval mode: a new module starts in training mode, which inside an eval-mode model would turn on the
    /// adapter's dropout.
    /// </summary>
    public static LoraLinear Wrap(nn.Module<Tensor, Tensor> baseLayer, LoraConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var wrapper = baseLayer switch
        {
            Linear linear => new LoraLinear(linear.weight, linear.bias, fanInFanOut: false, config, generator),
            Conv1D conv => new LoraLinear(conv.Weight, conv.Bias, fanInFanOut: true, config, generator),
            QuantizedLinear quantized => new LoraLinear(quantized, config, generator),
            _ => throw new NotSupportedException($"LoRA wraps nn.Linear and Conv1D layers, not {baseLayer?.GetType().Name ?? "null"}."),
        };
        wrapper.train(baseLayer.training);
        return wrapper;
    }

    /// <summary>(in, out) of a layer LoRA can wrap, whatever its weight layout.</summary>
    internal static (long In, long Out) FeaturesOf(nn.Module layer) => layer switch
    {
        Linear linear => (linear.weight.shape[1], linear.weight.shape[0]),
        Conv1D conv => (conv.Weight.shape[0], conv.Weight.shape[1]),
        MultiAdapterLinear shared => (shared.InFeatures, shared.OutFeatures),
        QuantizedLinear quantized => (quantized.InFeatures, quantized.OutFeatures),
        _ => throw new NotSupportedException($"LoRA wraps nn.Linear and Conv1D layers, not {layer?.GetType().Name ?? "null"}."),
    };

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public int Rank { get; }
    public double Scaling { get; }

    /// <summary>True when the base weight is stored [in, out] (GPT-2 Conv1D).</summary>
    public bool FanInFanOut { get; }

    /// <summary>True once <see cref="Merge"/> has folded the adapter into the base weight.</summary>
    public bool Merged { get; private set; }

    /// <summary>False while <see cref="AdaptersDisabled"/> is in force: forward is the base layer's alone (PEFT's
    /// disable_adapter), e.g. to score the reference model of preference training without holding a copy of it.</summary>
    public bool Enabled { get; internal set; } = true;

    /// <summary>A [r, in].</summary>
    public Parameter LoraA => lora_A.weight;

    /// <summary>B [out, r].</summary>
    public Parameter LoraB => lora_B.weight;

    /// <summary>The base weight in its stored layout, [out, in] or [in, out] when <see cref="FanInFanOut"/>.</summary>
    public Parameter Weight => weight ?? throw new InvalidOperationException("This LoRA layer's base weight is quantized; see QuantizedBase.");

    public Parameter? Bias => base_layer is null ? bias : base_layer.Bias;

    /// <summary>The quantized base layer of a QLoRA layer; null when the base weight is a plain parameter.</summary>
    public QuantizedLinear? QuantizedBase => base_layer;

    public override Tensor forward(Tensor x) => IntermediatesFreed.After(() => ForwardWithAdapter(x));

    private Tensor ForwardWithAdapter(Tensor x)
    {
        var result = BaseForward(x);
        if (Merged || !Enabled)
            return result;
        // The adapter computes in its own dtype (fp32 over a bf16 or quantized base until training converts it).
        var adapterInput = FastDropout.Apply(x.dtype == lora_A.weight.dtype ? x : x.to(lora_A.weight.dtype), dropout, training);
        var down = lora_A.forward(adapterInput); // [..., r]
        if (down.dtype == result.dtype && result.is_contiguous())
        {
            // result + s · down Bᵀ as one product (addmm, beta 1), where PEFT's result + lora_B(down) * s makes and
            // reads two more output-sized tensors; on a 1.1B LoRA step the heap they fragmented was 1.4 GiB of peak
            // RSS (BENCHMARKS.md). Over a dense base it adds into the base output in place: the base layer's backward
            // needs its weight and input, never its output. A quantized base's output comes from a custom autograd
            // function, whose outputs autograd does not let be modified in place, so it gets a new tensor.
            var flat = result.view(-1, OutFeatures);
            var updated = base_layer is null
                ? flat.addmm_(down.reshape(-1, Rank), lora_B.weight.t(), beta: 1, alpha: (float)Scaling)
                : flat.addmm(down.reshape(-1, Rank), lora_B.weight.t(), beta: 1, alpha: (float)Scaling);
            return updated.view(result.shape);
        }
        var update = lora_B.forward(down) * Scaling;
        return result + (update.dtype == result.dtype ? update : update.to(result.dtype));
    }

    /// <summary>s · B A in the base weight's layout (PEFT get_delta_weight: transpose(B @ A, fan_in_fan_out) · s).</summary>
    public Tensor DeltaWeight()
    {
        var delta = lora_B.weight.matmul(lora_A.weight); // [out, in]
        return (FanInFanOut ? delta.t() : delta) * Scaling;
    }

    /// <summary>W += s · B A (PEFT merge). The adapter stays, unused, so it can still be saved.</summary>
    public void Merge()
    {
        if (Merged)
            throw new InvalidOperationException("This LoRA layer is already merged.");
        if (weight is null)
            throw new NotSupportedException("A LoRA layer over a quantized base is not merged in memory; its checkpoint tensors are merged into the unquantized base weight.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        weight.add_(DeltaWeight().to(weight.dtype));
        Merged = true;
    }

    /// <summary>The merged weight (and the bias) under the base layer's names, for a full checkpoint.</summary>
    public IReadOnlyDictionary<string, Tensor> CheckpointTensors()
    {
        using var noGrad = no_grad();
        if (base_layer is not null)
        {
            // W + s·B A in float32, stored in the base checkpoint's dtype, from the weight as that checkpoint holds it.
            var original = base_layer.OriginalWeight();
            var merged = (original.to(ScalarType.Float32) + DeltaWeight().to(ScalarType.Float32)).to(original.dtype);
            var quantizedTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["weight"] = merged };
            if (base_layer.Bias is { } quantizedBias)
                quantizedTensors["bias"] = quantizedBias;
            return quantizedTensors;
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["weight"] = Merged ? weight! : weight! + DeltaWeight().to(weight!.dtype),
        };
        if (bias is not null)
            tensors["bias"] = bias;
        return tensors;
    }

    private Tensor BaseForward(Tensor x) =>
        base_layer is not null ? base_layer.forward(x) : BaseLinear.Forward(x, weight!, bias, FanInFanOut);
}
