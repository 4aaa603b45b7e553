using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NeuralPipelines.Benchmarks;

/// <summary>Columns that turn the mean time of a call into a rate: GFLOP/s (from a <c>Flop</c> property) and images/s
/// (from an <c>Images</c> property) of a fresh instance of the benchmark class with the case's parameters.</summary>
public static class RateColumns
{
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new RateColumn("GFLOP/s", "Flop", 1e-9));
            AddColumn(new RateColumn("images/s", "Images", 1));
        }
    }

    private sealed class RateColumn(string name, string property, double scale) : IColumn
    {
        public string Id => $"{nameof(RateColumn)}.{name}";
        public string ColumnName => name;
        public bool AlwaysShow => true;   // a one-row summary would otherwise hide it (all values equal)
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => $"{name} from the mean time per call";
        public bool IsAvailable(Summary summary) =>
            summary.BenchmarksCases.Any(c => c.Descriptor.Type.GetProperty(property) is not null);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var type = benchmarkCase.Descriptor.Type;
            var amount = type.GetProperty(property);
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (amount is null || stats is null) return "-";
            var instance = Activator.CreateInstance(type)!;
            foreach (var p in benchmarkCase.Parameters.Items) type.GetProperty(p.Name)?.SetValue(instance, p.Value);
            double perCall = Convert.ToDouble(amount.GetValue(instance));
            return (perCall / (stats.Mean * 1e-9) * scale).ToString("F1");
        }
    }
}
