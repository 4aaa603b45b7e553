namespace NeuralPipelines.Cli.Tests;

public class ClassicHelpTests
{
    [Theory]
    [InlineData("regress", "--method")]
    [InlineData("classify", "--trainer")]
    [InlineData("score", "--output")]
    [InlineData("demo", "--out")]
    public void Every_classic_command_explains_itself_and_offers_json(string command, string option)
    {
        var (code, stdout, stderr) = ClassicCli.Np(command, "--help");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains(option, stdout);
        Assert.Contains("--json", stdout);
    }
}
