using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Benchmarks.Zoo;

/// <summary>Prints docs/ZOO.md's cost table (<c>dotnet run --project Benchmarks -- zoo-costs</c>): a tool for the doc, not a
/// test; <c>ZooTests.Zoo_document_lists_the_measured_costs</c> is the test that fails when the doc and the code differ.</summary>
public static class ZooCostTable
{
    public static int Run(TextWriter output)
    {
        output.WriteLine("| network | parameters, 1×28×28 | multiply-adds, 1×28×28 | parameters, 3×32×32 | multiply-adds, 3×32×32 |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var name in ModelZoo.Architectures.Select(a => a.Name))
        {
            var grey = NetworkCost.Measure(ModelZoo.Build(name, new ZooOptions(1, 28, 28, 10)), [1, 28, 28]);
            var colour = NetworkCost.Measure(ModelZoo.Build(name, new ZooOptions(3, 32, 32, 10)), [3, 32, 32]);
            output.WriteLine($"| {name} | {grey.Parameters:N0} | {grey.MultiplyAdds:N0} | {colour.Parameters:N0} | {colour.MultiplyAdds:N0} |");
        }
        return 0;
    }
}
