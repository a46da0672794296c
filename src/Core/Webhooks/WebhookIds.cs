using System.Security.Cryptography;

namespace TuningService.Core.Webhooks;

/// <summary>Identifiers in OpenAI's webhook style, an underscore after the prefix (evt_..., we_...).</summary>
public static class WebhookIds
{
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(string prefix) => $"{prefix}_{RandomNumberGenerator.GetString(Alphabet, 24)}";
}
