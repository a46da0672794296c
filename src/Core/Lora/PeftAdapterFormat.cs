namespace TuningService.Core.Lora;

/// <summary>
/// File and tensor names of a PEFT adapter folder (peft utils/save_and_load.py): get_peft_model_state_dict keeps
/// the PeftModel's module names, which start with "base_model.model.", and drops the adapter name, so a LoRA layer
/// at `encoder.block.0.layer.0.SelfAttention.q` saves `base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight`.
/// </summary>
internal static class PeftAdapterFormat
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    public const string PickleWeightsFile = "adapter_model.bin"; // what PEFT wrote before safetensors became its default

    public const string KeyPrefix = "base_model.model.";
    public const string LoraASuffix = ".lora_A.weight";
    public const string LoraBSuffix = ".lora_B.weight";

    public static string LoraAKey(string modulePath) => KeyPrefix + modulePath + LoraASuffix;

    public static string LoraBKey(string modulePath) => KeyPrefix + modulePath + LoraBSuffix;
}
