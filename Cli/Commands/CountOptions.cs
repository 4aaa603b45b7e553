using System.CommandLine;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Cli.Commands;

/// <summary>The one check for the options that count threads or rows (score and serve share it): a whole number in its
/// range, or one line naming the option, the value and the range. Left unchecked, 0 threads silently meant "ONNX Runtime's
/// guess" and an oversized batch overflowed far from the command line, where the error blamed the model file.</summary>
internal static class CountOptions
{
    /// <summary>The most threads an option may ask for: the scorer's bound (a typo, --threads 100000, is refused rather
    /// than starting that many threads).</summary>
    public const int MostThreads = OnnxScorerOptions.MostThreads;

    /// <summary>--threads: 1 to <see cref="MostThreads"/>.</summary>
    public static int Threads(this ParseResult parse, Option<int> option) => parse.InRange(option, 1, MostThreads);

    /// <summary>A --batch-size of rows per scorer call: 1 to <see cref="OnnxScorerOptions.MostBatchSize"/>.</summary>
    public static int BatchRows(this ParseResult parse, Option<int> option) => parse.InRange(option, 1, OnnxScorerOptions.MostBatchSize);

    /// <summary>--train-limit of np train and np train colorize: absent (all) or at least 1, checked before any data is
    /// read (0 used to reach the colorizer's trainer, which blamed the photo folder for an empty training set).</summary>
    public static int? TrainLimit(this ParseResult parse, Option<int?> option) => parse.AtLeastOne(option);

    /// <summary>An optional count of rows (np validate's --limit): absent (all) or at least 1, checked before any work.</summary>
    public static int? AtLeastOne(this ParseResult parse, Option<int?> option)
    {
        var value = parse.GetValue(option);
        if (value < 1) throw new ArgumentException($"{option.Name} must be at least 1, got {value}.");
        return value;
    }

    public static int InRange(this ParseResult parse, Option<int> option, int least, int most)
    {
        var value = parse.GetValue(option);
        if (value < least || value > most) throw new ArgumentException($"{option.Name} {value}: must be {least:N0} to {most:N0}.");
        return value;
    }
}
