using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Audit L7: a value that did not parse printed "expected type 'System.Nullable`1[System.Single]'" and then the whole
/// help; it is one line naming the command, the option and the value, with a non-zero exit, like any other refusal.</summary>
public sealed class ParseErrorLineTests
{
    [Theory]
    [InlineData("train", "train mlp --lr abc", "--lr: 'abc' is not a number.")]
    [InlineData("train", "train mlp --lr inf", "--lr: 'inf' is not a number.")]
    [InlineData("train", "train mlp --seed 2147483648", "--seed: '2147483648' is not a whole number from -2147483648 to 2147483647.")]
    [InlineData("train colorize", "train colorize --epochs x", "--epochs: 'x' is not a whole number")]
    [InlineData("eval", "eval --data mnist", "Option '--model' is required.")]
    public void A_command_line_that_does_not_parse_gets_one_line(string command, string args, string expected)
    {
        using var temp = new TempFolder();
        var line = AssertFailsWithOneLine(command, [.. args.Split(' '), "--out", temp.File("x.ckpt")], expected);
        Assert.DoesNotContain("System.", line);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
