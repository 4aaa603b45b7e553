using NeuralPipelines.Data;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Pipelines.Tests;

/// <summary>The shipped tables, read once per test run.</summary>
internal static class TestData
{
    private static readonly Lazy<TabularDataset> _diabetes = new(() => TabularDataset.ReadCsv(ShippedData.Tabular("diabetes.csv"), "target"));
    private static readonly Lazy<TabularDataset> _breastCancer = new(() => TabularDataset.ReadCsv(ShippedData.Tabular("breast_cancer.csv"), "target"));
    private static readonly Lazy<TabularDataset> _iris = new(() => TabularDataset.ReadCsv(ShippedData.Tabular("iris.csv"), "target"));

    public static TabularDataset Diabetes => _diabetes.Value;
    public static TabularDataset BreastCancer => _breastCancer.Value;
    public static TabularDataset Iris => _iris.Value;
}
