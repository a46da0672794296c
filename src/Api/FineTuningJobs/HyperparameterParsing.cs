using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Core.FineTuning;

namespace TuningService.Api.FineTuningJobs;

/// <summary>Reads "number or auto" hyperparameters, answering 400 with the parameter's path when a value is wrong.</summary>
public static class HyperparameterParsing
{
    public static RequestedHyperparameters Parse(HyperparametersRequest? request, string paramPrefix)
    {
        if (request is null) return RequestedHyperparameters.Auto;
        return new RequestedHyperparameters(
            Integer(request.NEpochs, $"{paramPrefix}.n_epochs", 1, 50),
            Integer(request.BatchSize, $"{paramPrefix}.batch_size", 1, 256),
            Number(request.LearningRateMultiplier, $"{paramPrefix}.learning_rate_multiplier", 0, 10));
    }

    static int? Integer(JsonElement? value, string param, int min, int max)
    {
        if (IsAuto(value, param)) return null;
        if (value!.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out var n))
            throw ApiException.BadRequest($"{param} must be an integer or \"auto\", got {value.Value.GetRawText()}.", param);
        if (n < min || n > max)
            throw ApiException.BadRequest($"{param} must be between {min} and {max}, got {n}.", param);
        return n;
    }

    static double? Number(JsonElement? value, string param, double exclusiveMin, double max)
    {
        if (IsAuto(value, param)) return null;
        if (value!.Value.ValueKind != JsonValueKind.Number)
            throw ApiException.BadRequest($"{param} must be a number or \"auto\", got {value.Value.GetRawText()}.", param);
        var x = value.Value.GetDouble();
        if (!(x > exclusiveMin && x <= max))
            throw ApiException.BadRequest($"{param} must be greater than {exclusiveMin} and at most {max}, got {x}.", param);
        return x;
    }

    static bool IsAuto(JsonElement? value, string param)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return true;
        if (value.Value.ValueKind == JsonValueKind.String)
        {
            if (value.Value.GetString() == "auto") return true;
            throw ApiException.BadRequest($"{param} must be a number or \"auto\", got \"{value.Value.GetString()}\".", param);
        }
        return false;
    }
}
