using System.Security.Cryptography;
using System.Text;

namespace TuningService.Core.Webhooks;

/// <summary>
/// Standard Webhooks signing, as OpenAI signs its webhooks: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}"
/// with the key that follows "whsec_" (base64), sent as "v1,{base64 signature}". Written here rather than taken from
/// the StandardWebhooks package so that the tests can use that package as an independent check of this one.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: "whsec_" and 32 random bytes in base64.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
