using System.Text;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.HuggingFace;

public sealed class SafetensorsDtypeTests : IDisposable
{
    private readonly TempFolder scratch = new();

    [Fact]
    public void Bf16_and_f16_tensors_read_as_their_exact_values()
    {
        // Hand-written file: 1.0, -2.5, 0.15625 as BF16 (0x3F80, 0xC020, 0x3E20) and F16 (0x3C00, 0xC100, 0x3100).
        var header = """{"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]},"h":{"dtype":"F16","shape":[3],"data_offsets":[6,12]}}""";
        header += new string(' ', (8 - header.Length % 8) % 8);
        using (var file = new BinaryWriter(File.Create(scratch.Combine("model.safetensors"))))
        {
            file.Write((ulong)header.Length);
            file.Write(Encoding.ASCII.GetBytes(header));
            foreach (ushort bits in new ushort[] { 0x3F80, 0xC020, 0x3E20, 0x3C00, 0xC100, 0x3100 })
                file.Write(bits);
        }

        var tensors = CheckpointReader.ReadStateDict(scratch.Path);

        Assert.Equal(ScalarType.BFloat16, tensors["b"].dtype);
        Assert.Equal(ScalarType.Float16, tensors["h"].dtype);
        Assert.Equal([1.0f, -2.5f, 0.15625f], tensors["b"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal([1.0f, -2.5f, 0.15625f], tensors["h"].to(ScalarType.Float32).data<float>().ToArray());
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, "BF16")]
    [InlineData(ScalarType.Float16, "F16")]
    public void A_half_precision_checkpoint_loads_into_fp32_parameters(ScalarType stored, string name)
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, name, (_, tensors) =>
        {
            foreach (var key in tensors.Keys.ToList()) tensors[key] = tensors[key].to(stored);
        });
        Assert.Contains($"\"dtype\":\"{name}\"", File.ReadAllText(Path.Combine(folder, "model.safetensors"))[..2000], StringComparison.Ordinal);

        using var loaded = PretrainedModelLoader.Load(folder, CPU);

        var expected = ModelFolders.ReadTensors(TestPaths.LlamaTiny);
        foreach (var (key, parameter) in loaded.Model.state_dict())
        {
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            Assert.True(Golden.Identical(parameter, expected[key].to(stored).to(ScalarType.Float32)), key);
        }
    }

    public void Dispose() => scratch.Dispose();
}
