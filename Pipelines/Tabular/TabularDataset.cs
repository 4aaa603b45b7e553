using Microsoft.ML;
using NeuralPipelines.Data.Csv;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>A CSV table split into feature columns and one label column, in double precision.</summary>
public sealed class TabularDataset
{
    /// <summary>Column names that the pipelines produce themselves; a CSV column with one of these names would be overwritten.</summary>
    public static readonly IReadOnlyList<string> ReservedNames = ["Features", "Score", "PredictedLabel", "Probability", "PredictedClass"];

    public TabularDataset(string source, string labelName, IReadOnlyList<string> featureNames, double[][] rows, double[] labels)
    {
        if (rows.Length != labels.Length) throw new ArgumentException($"{rows.Length} rows of features but {labels.Length} labels.");
        if (rows.Any(r => r.Length != featureNames.Count)) throw new ArgumentException($"Every row must have {featureNames.Count} features.");
        Source = source;
        LabelName = labelName;
        FeatureNames = featureNames;
        Rows = rows;
        Labels = labels;
    }

    public string Source { get; }
    public string LabelName { get; }
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Features, one array per row, in <see cref="FeatureNames"/> order.</summary>
    public double[][] Rows { get; }

    public double[] Labels { get; }

    public int Count => Rows.Length;

    /// <summary>The label's distinct values, sorted.</summary>
    public double[] Classes => Labels.Distinct().Order().ToArray();

    /// <summary>Every column except <paramref name="labelName"/> is a feature.</summary>
    public static TabularDataset FromCsv(CsvTable table, string labelName)
    {
        var labelIndex = table.IndexOf(labelName);
        if (table.RowCount == 0)
            throw new CsvFormatException($"{table.Source}: the file has a header but no data rows.", table.Source);
        var featureNames = table.ColumnNames.Where((_, i) => i != labelIndex).ToArray();
        if (featureNames.Length == 0)
            throw new CsvFormatException($"{table.Source}: the only column is the label '{labelName}'; there are no feature columns.", table.Source, 1, labelName);
        foreach (var reserved in ReservedNames)
            if (featureNames.Contains(reserved))
                throw new CsvFormatException($"{table.Source}: a feature column is named '{reserved}', a name the pipelines use for their own columns; rename it.", table.Source, 1, reserved);
        var columns = featureNames.Select(table.Column).ToArray();
        var rows = new double[table.RowCount][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[columns.Length];
            for (var c = 0; c < columns.Length; c++) rows[r][c] = columns[c][r];
        }
        return new TabularDataset(table.Source, labelName, featureNames, rows, table.Column(labelName));
    }

    public static TabularDataset ReadCsv(string path, string labelName) => FromCsv(CsvReader.Read(path), labelName);

    /// <summary>Classes a label may hold at most to be taken for classification.</summary>
    public const int MaxClasses = 100;

    /// <summary>Regression unless the label holds only whole numbers with few distinct values (2 → binary, 3..100 → multiclass)
    /// and at least two rows per value; see <see cref="WhyNotClasses"/>.</summary>
    public LabelKind InferLabelKind()
    {
        if (WhyNotClasses() is not null) return LabelKind.Regression;
        RequireTwoClasses();
        return Classes.Length == 2 ? LabelKind.Binary : LabelKind.Multiclass;
    }

    /// <summary>Throws unless the label takes at least two values: a classifier fitted to one class answers it for every row.</summary>
    public void RequireTwoClasses()
    {
        var classes = Classes;
        if (classes.Length < 2)
            throw new InvalidOperationException($"{Source}: the label '{LabelName}' takes a single value " +
                $"({classes.FirstOrDefault().ToString(System.Globalization.CultureInfo.InvariantCulture)}); there is nothing to learn.");
    }

    /// <summary>Throws unless some feature column takes two values: a model of columns that never vary gives every row the
    /// same prediction (ML.NET fits one without a word, or SDCA fails on a "non-finite bias" naming nothing).</summary>
    public void RequireVaryingFeature()
    {
        if (Enumerable.Range(0, FeatureNames.Count).Any(c => Rows.Any(r => r[c] != Rows[0][c]))) return;
        var columns = FeatureNames.Count == 1 ? $"the only feature column '{FeatureNames[0]}'" : $"every one of the {FeatureNames.Count} feature columns";
        throw new InvalidOperationException($"{Source}: {columns} holds a single value in all {Count} training row{(Count == 1 ? "" : "s")}; " +
            "a model of them could only make the same prediction for every row.");
    }

    /// <summary>Why the label is not read as classes, in words that name the cause (fractions, too many values, too few rows
    /// per value); null when it is. The one place for the rule, so a refusal cannot blame the wrong one.</summary>
    public string? WhyNotClasses()
    {
        var classes = Classes;
        var fraction = Array.FindIndex(classes, c => c != Math.Floor(c));
        if (fraction >= 0)
            return $"the label '{LabelName}' holds fractions (such as {classes[fraction].ToString(System.Globalization.CultureInfo.InvariantCulture)}); classification needs whole-number classes";
        if (classes.Length > MaxClasses)
            return $"the label '{LabelName}' holds {classes.Length} distinct values; classification takes at most {MaxClasses} classes";
        // Fewer than two rows per class on average cannot give every class a row in both the training and the test split.
        if (classes.Length > Count / 2)
            return $"the label '{LabelName}' holds {classes.Length} distinct value{(classes.Length == 1 ? "" : "s")} in only {Count} row{(Count == 1 ? "" : "s")}; " +
                   $"classification needs at least two rows per class ({2 * classes.Length} rows for {classes.Length} classes)";
        return null;
    }

    /// <summary>A seeded shuffle, then the first <paramref name="testFraction"/> of the rows (at least one) become the test set.</summary>
    /// <param name="stratify">Split each label value's rows separately (for classification), so train and test keep the
    /// class proportions and a small test set does not happen to over-represent one class.</param>
    public (TabularDataset Train, TabularDataset Test) Split(double testFraction, int seed, bool stratify = false)
    {
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie strictly between 0 and 1.");
        if (Count < 2) throw new InvalidOperationException($"{Source}: {Count} row(s) cannot be split into a training and a test set.");
        var random = new Random(seed);
        var groups = stratify
            ? Enumerable.Range(0, Count).GroupBy(i => Labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray()
            : [Enumerable.Range(0, Count).ToArray()];
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in groups)
        {
            random.Shuffle(group);
            var testCount = group.Length < 2 ? 0 : Math.Clamp((int)Math.Round(testFraction * group.Length), 1, group.Length - 1);
            test.AddRange(group[..testCount]);
            train.AddRange(group[testCount..]);
        }
        if (test.Count == 0) throw new InvalidOperationException($"{Source}: the test fraction {testFraction} leaves no test rows.");
        return (Subset(train), Subset(test));
    }

    public TabularDataset Subset(IReadOnlyList<int> indices) =>
        new(Source, LabelName, FeatureNames, indices.Select(i => Rows[i]).ToArray(), indices.Select(i => Labels[i]).ToArray());

    /// <summary>An ML.NET view with one float column per feature (named as in the CSV) and the label: float for
    /// regression, boolean for binary (true = the larger of the two values), a key over the class values for multiclass.</summary>
    /// <param name="classes">The label values of the whole dataset (so a train and a test subset agree); by default this subset's.</param>
    public IDataView ToDataView(LabelKind kind, double[]? classes = null)
    {
        classes ??= Classes;
        var columns = new List<DataColumn>();
        for (var c = 0; c < FeatureNames.Count; c++)
            columns.Add(new DataColumn(FeatureNames[c], Rows.Select(r => (float)r[c]).ToArray()));
        switch (kind)
        {
            case LabelKind.Binary:
                if (classes.Length != 2)
                    throw new InvalidOperationException($"{Source}: binary classification needs exactly two label values in '{LabelName}', found {classes.Length}.");
                columns.Add(new DataColumn(LabelName, Labels.Select(l => l == classes[1]).ToArray()));
                break;
            case LabelKind.Multiclass:
                // ML.NET's multiclass trainers want a key (1..k); the class values ride along as the key's values,
                // so the predicted key maps back to the CSV's own label values without a MapValueToKey step that
                // would make the saved model demand a label column at scoring time.
                columns.Add(new DataColumn(LabelName, Labels.Select(l => (uint)(Array.IndexOf(classes, l) + 1)).ToArray(),
                    classes.Select(c => (float)c).ToArray()));
                break;
            default:
                columns.Add(new DataColumn(LabelName, Labels.Select(l => (float)l).ToArray()));
                break;
        }
        return new ColumnarDataView(columns);
    }
}
