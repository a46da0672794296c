using System.Security.Cryptography;
using System.Text;

namespace TuningService.Api.Tests.Webhooks;

/// <summary>
/// A receiver's own Standard Webhooks verifier, written from the scheme's description and sharing no code with the
/// service's signer: the signed content is "{webhook-id}.{webhook-timestamp}.{body}", the key the base64 after
/// "whsec_", the header one or more space-separated "v1,{base64}"; a timestamp more than five minutes from now is
/// refused (a replay). The StandardWebhooks package checks the same deliveries independently.
/// </summary>
public static class SignatureCheck
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static bool IsValid(string secret, string id, string timestamp, string signatureHeader, string body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance) return false;
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',');
            if (comma < 0 || part[..comma] != "v1") continue;
            byte[] given;
            try { given = Convert.FromBase64String(part[(comma + 1)..]); }
            catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return true;
        }
        return false;
    }
}
