using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Data;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Cli.Commands.Classic;

/// <summary>The options <c>np regress</c> and <c>np classify</c> share: which CSV, which label, how to split, where to save.</summary>
internal sealed class TabularOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = $"CSV file with a header row and numeric cells, or a shipped table: {ShippedTableNames}.",
        Required = true,
    };

    public Option<string?> Label { get; } = new("--label") { Description = "The column to predict (default: the last column)." };

    public Option<double> TestFraction { get; }

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the train/test shuffle and ML.NET's trainers.", DefaultValueFactory = _ => 1 };

    public Option<string?> Out { get; } = new("--out") { Description = "Save the fitted pipeline as an ML.NET model zip (mlContext.Model.Save) here." };

    public Option<bool> Force { get; } = Outputs.ForceOption();

    public TabularOptions(double defaultTestFraction, string testFractionHelp)
    {
        TestFraction = new Option<double>("--test-fraction") { Description = testFractionHelp, DefaultValueFactory = _ => defaultTestFraction };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Label, TestFraction, Seed, Out, Force }) command.Options.Add(option);
    }

    /// <summary>A shipped table's short name (<see cref="ShippedData.Tables"/>) becomes its path; anything else is a path already.</summary>
    public static string ResolvePath(string data) => ShippedData.TablePath(data) ?? data;

    /// <summary>"diabetes, breast-cancer, iris", for help texts.</summary>
    public static string ShippedTableNames => string.Join(", ", ShippedData.Tables.Keys);

    /// <summary>Reads the CSV named by --data with the --label column (default: the last one).</summary>
    public TabularDataset Read(ParseResult parse)
    {
        var path = ResolvePath(parse.GetValue(Data)!);
        var table = NeuralPipelines.Data.Csv.CsvReader.Read(path);
        var label = parse.GetValue(Label) ?? table.ColumnNames[^1];
        return TabularDataset.FromCsv(table, label);
    }

    /// <summary>Checks --test-fraction (0 means: no split) before any work is done.</summary>
    public double CheckedTestFraction(ParseResult parse, bool allowZero)
    {
        var f = parse.GetValue(TestFraction);
        if (allowZero && f == 0) return 0;
        if (!(f > 0 && f < 1))
            throw new ArgumentException($"--test-fraction must lie strictly between 0 and 1{(allowZero ? " (or be 0 for no split)" : "")}; got {f.ToString(CultureInfo.InvariantCulture)}.");
        return f;
    }

    /// <summary>Checks that --out can be written before training (see <see cref="Outputs.Check"/>: its folder exists, it is
    /// not the --data file, not read-only without --force), so a typo fails fast. Dispose the scope when the command ends.</summary>
    public string? CheckedOut(ParseResult parse, out IDisposable scope)
    {
        var path = parse.GetValue(Out);
        scope = Outputs.Check(parse.GetValue(Force), json: false, [("--data", ResolvePath(parse.GetValue(Data)!))], new OutputOption("--out", path, OutputContent.MlNetZip));
        return path;
    }
}
