using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Settings;

namespace NeuralPipelines.Cli.Commands;

/// <summary>How a generator file is sampled: which of its generators, its noise shaped (truncation, narrowed mixture
/// components), its proposals filtered (rejection), and the statistics the average runs with. Null or
/// <see cref="AverageStatistics.Standing"/>: the file's own way.</summary>
internal sealed record GeneratorSampling(GeneratorWeights? Weights = null, float? Truncation = null, float? ComponentSd = null,
    double? Rejection = null, AverageStatistics Statistics = AverageStatistics.Standing)
{
    /// <summary>What the sampling changes, for a console line: ", noise truncated at 2, …" (empty when nothing).</summary>
    public string Describe(Models.Generative.Gan.DiscriminatorRejectionReport? rejected) =>
        (Truncation is { } t ? $", noise truncated at {Text(t)}" : "")
        + (ComponentSd is { } sd ? $", mixture components at σ {Text(sd)}" : "")
        + (Statistics == AverageStatistics.Raw ? ", with the raw generator's batch-norm statistics" : "")
        + (rejected is { } r ? $", discriminator rejection at {Rejection!.Value.ToString(CultureInfo.InvariantCulture)}: {r.Accepted:N0} of {r.Candidates:N0} kept" : "");

    private static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The options of <see cref="GeneratorSampling"/>, shared by np sample and np evaluate-generator.</summary>
internal sealed class GeneratorSamplingOptions
{
    public readonly Option<string?> Weights = GeneratorFile.WeightsOption();
    public readonly Option<float?> Truncation = GeneratorFile.TruncationOption();
    public readonly Option<float?> ComponentSd = GeneratorFile.ComponentSdOption();
    public readonly Option<double?> Rejection = GeneratorFile.RejectionOption();
    public readonly Option<string?> Statistics = new("--average-statistics")
    {
        Description = "The batch-norm running statistics a checkpoint's moving average samples with: standing (its own, measured on its samples " +
                      "before each save; the default) or raw (the raw generator's, copied in for this run only: the ablation of docs/EXPERIMENTS.md). " +
                      "Needs the average (--generator ema) of a checkpoint.",
    };

    public IEnumerable<Option> All => [Weights, Truncation, ComponentSd, Rejection, Statistics];

    /// <summary>The options given, parsed.</summary>
    public GeneratorSampling Read(ParseResult parse) => new(
        GeneratorFile.Weights(parse.GetValue(Weights)), parse.GetValue(Truncation), parse.GetValue(ComponentSd), parse.GetValue(Rejection),
        parse.GetValue(Statistics) is { } s ? SettingNames.Parse<AverageStatistics>(s, "--average-statistics") : AverageStatistics.Standing);

    /// <summary>Refuses each option given, naming it and saying why (<paramref name="why"/>: "--real measures training images").</summary>
    public void Refuse(ParseResult parse, string why)
    {
        var given = parse.NamesGiven(All);
        if (given.Count > 0) throw new ArgumentException($"{string.Join(", ", given)}: {(given.Count == 1 ? "it samples" : "they sample")} a generator; {why}.");
    }
}
