namespace TuningService.Core.Tests;
public class SmokeTests { [Fact] public void Torch_loads() => Assert.Equal(6f, TorchSharp.torch.tensor(new float[]{1,2,3}).sum().item<float>()); }
