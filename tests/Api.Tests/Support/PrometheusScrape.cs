using System.Globalization;

namespace TuningService.Api.Tests.Support;

/// <summary>A /metrics answer in the Prometheus text format, read into its samples for assertions.</summary>
sealed class PrometheusScrape
{
    readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    public string Text { get; }

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            var series = line[..space];
            var value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            var brace = series.IndexOf('{');
            var name = brace < 0 ? series : series[..brace];
            var labels = new Dictionary<string, string>();
            if (brace >= 0)
                foreach (var pair in series[(brace + 1)..^1].Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=');
                    labels[pair[..equals]] = pair[(equals + 2)..].TrimEnd('"');
                }
            samples.Add((name, labels, value));
        }
    }

    /// <summary>The values of the samples named <paramref name="name"/> that have all of <paramref name="labels"/>.</summary>
    public IReadOnlyList<double> Values(string name, params (string Label, string Value)[] labels) =>
    [
        .. samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).Select(s => s.Value),
    ];

    /// <summary>The one sample named so, failing when there is none (the metric is missing) or several.</summary>
    public double Single(string name, params (string Label, string Value)[] labels)
    {
        var values = Values(name, labels);
        Assert.True(values.Count == 1, $"{values.Count} samples of {name} {string.Join(",", labels)} in the scrape:\n{Text}");
        return values[0];
    }

    public IEnumerable<IReadOnlyDictionary<string, string>> LabelsOf(string name) =>
        samples.Where(s => s.Name == name).Select(s => (IReadOnlyDictionary<string, string>)s.Labels);
}
