using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Audit C10: a path given as an empty string (in a batch script, <c>--output "$OUT"</c> with OUT unset) was
/// refused as "The value cannot be an empty string. (Parameter 'path')" for an output, ": no such model file." for an
/// input, naming no option; now the option is named, before anything is read.</summary>
public class EmptyPathTests
{
    [Theory]
    [InlineData("--model")]
    [InlineData("--data")]
    [InlineData("--output")]
    public void An_empty_path_is_refused_naming_its_option(string option)
    {
        string[] args = ["score", "--model", "m.onnx", "--data", "d.csv", "--output", "p.csv"];
        args[Array.IndexOf(args, option) + 1] = "";
        var (code, _, err) = Np(args);
        Assert.Equal(1, code);
        Assert.Contains($"{option}: empty", err);
    }
}
