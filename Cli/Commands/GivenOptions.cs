using System.CommandLine;

namespace NeuralPipelines.Cli.Commands;

/// <summary>Which options a command line gave explicitly (not by their default), for the refusals that name them.</summary>
internal static class GivenOptions
{
    /// <summary>The names of those of <paramref name="options"/> that <paramref name="parse"/> was given, in their order.</summary>
    public static List<string> NamesGiven(this ParseResult parse, IEnumerable<Option> options) =>
        options.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
}
