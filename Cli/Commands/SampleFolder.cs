using System.Text.RegularExpressions;

namespace NeuralPipelines.Cli.Commands;

/// <summary>The folder form of <c>np sample --out</c>: one PNG per image, sample-0001.png … . The folder holds one run's
/// samples: a run of fewer images than the one before removes the earlier run's extra ones, so that the new samples are
/// never mixed with stale ones.</summary>
internal static partial class SampleFolder
{
    public static string FileFor(string folder, int number) => Path.Combine(folder, $"sample-{number:D4}.png");

    [GeneratedRegex(@"^sample-(\d{4,9})\.png$")]
    private static partial Regex SampleName();

    /// <summary>The sample files in <paramref name="folder"/> numbered above <paramref name="count"/>: an earlier run's.</summary>
    public static string[] Stale(string folder, int count) => !Directory.Exists(folder) ? [] :
        [.. Directory.EnumerateFiles(folder, "sample-*.png")
            .Where(f => SampleName().Match(Path.GetFileName(f)) is { Success: true } m && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > count)
            .Order(StringComparer.Ordinal)];
}
