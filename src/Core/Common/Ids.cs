using System.Security.Cryptography;

namespace TuningService.Core.Common;

/// <summary>OpenAI-style identifiers: a prefix and 24 random lowercase alphanumerics (file-..., ftjob-...).</summary>
public static class Ids
{
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(string prefix) => $"{prefix}-{RandomNumberGenerator.GetString(Alphabet, 24)}";
}
