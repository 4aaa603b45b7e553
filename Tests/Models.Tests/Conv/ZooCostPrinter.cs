using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Conv;

/// <summary>Prints the docs/ZOO.md cost table (run with --logger "console;verbosity=detailed" to regenerate it).</summary>
public class ZooCostPrinter(ITestOutputHelper output)
{
    [Fact]
    public void Print_cost_table()
    {
        foreach (var row in ZooTests.CostRows()) output.WriteLine(row);
        Assert.NotEmpty(ZooTests.CostRows());
    }
}
