using Microsoft.ML;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Classic;

/// <summary>What <c>np regress</c> (and the demo) does: split, fit, evaluate, optionally save; the result is what gets printed.</summary>
internal static class RegressionJob
{
    public static readonly IReadOnlyDictionary<string, RegressionMethod> Methods = new Dictionary<string, RegressionMethod>
    {
        ["closed-form"] = RegressionMethod.ClosedForm,
        ["ridge"] = RegressionMethod.Ridge,
        ["gd"] = RegressionMethod.GradientDescent,
        ["sdca"] = RegressionMethod.Sdca,
        ["ogd"] = RegressionMethod.OnlineGradientDescent,
    };

    public static RegressionOutcome Run(TabularDataset data, string methodName, RegressionSettings settings, double testFraction, string? outPath)
    {
        var ml = new MLContext(seed: settings.Seed);
        var (train, test) = testFraction > 0 ? data.Split(testFraction, settings.Seed) : (data, data);
        var needed = TabularRegression.MinimumRows(settings.Method, data.FeatureNames.Count);
        if (train.Count < needed)
        {
            var left = testFraction > 0
                ? $"only {train.Count} training row{(train.Count == 1 ? "" : "s")} left after --test-fraction {testFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} of {data.Count}"
                : $"only {data.Count} row{(data.Count == 1 ? "" : "s")}";
            var fix = testFraction > 0 ? "lower --test-fraction" : "give more rows";
            if (settings.Method == RegressionMethod.ClosedForm) fix += " or use --method ridge";
            throw new ArgumentException($"{data.Source}: {left}; --method {methodName} needs at least {needed} for {data.FeatureNames.Count} feature column{(data.FeatureNames.Count == 1 ? "" : "s")}. {char.ToUpperInvariant(fix[0])}{fix[1..]}.");
        }
        // R² divides by the labels' spread: labels that never vary leave nothing to explain, and it would print NaN or -∞.
        if (train.Labels.Distinct().Count() < 2)
            throw new ArgumentException($"{data.Source}: the label '{data.LabelName}' is {Figures.G(train.Labels[0])} in every " +
                $"{(testFraction > 0 ? "training " : "")}row; there is nothing to regress.");
        if (testFraction > 0 && test.Labels.Distinct().Count() < 2)
            throw new ArgumentException($"{data.Source}: the {test.Count} test row{(test.Count == 1 ? "" : "s")} left by --test-fraction " +
                $"{testFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} all have '{data.LabelName}' = {Figures.G(test.Labels[0])}, " +
                "so R² is undefined on them. Raise --test-fraction, or use 0 to report on the training rows.");
        var run = TabularRegression.Train(ml, train, settings);
        var (_, figures) = TabularRegression.Evaluate(run, test);

        GradientDescentReport? gd = null;
        if (run.GradientDescent is { } descent)
        {
            // The seed's two approaches side by side: the same rows solved in closed form, in double precision.
            var closedForm = LeastSquaresSolver.Solve(train.Rows, train.Labels, train.FeatureNames, fallbackLambda: 1e-6);
            gd = new GradientDescentReport(descent.LearningRate, descent.EpochLosses.Count, descent.EpochLosses[^1], descent.EpochLosses,
                LinearModelDistance.Between(run.Model, closedForm, train.Rows));
        }
        if (outPath is not null) ModelFile.Save(ml, run.Pipeline, run.InputSchema, outPath, TabularCard.Regression(run, train, figures, testFraction > 0 ? "test" : "train"));

        return new RegressionOutcome(
            data.Source, data.LabelName, methodName, train.Count, testFraction > 0 ? test.Count : 0,
            testFraction > 0 ? "test" : "training",
            figures.RSquared, figures.Rmse, figures.Mae, run.Model.Intercept,
            run.Model.FeatureNames.Select((n, j) => (n, j)).ToDictionary(p => p.n, p => run.Model.Coefficients[p.j]),
            run.Model.Notes, outPath, gd);
    }

    public static void Print(IAnsiConsole console, RegressionOutcome o)
    {
        var rows = o.EvaluatedOn == "test" ? $"{o.TestRows} test rows (trained on {o.TrainRows})" : $"all {o.TrainRows} training rows";
        console.MarkupLineInterpolated($"[bold]{o.Method}[/] linear regression of [bold]{o.Label}[/] on {Path.GetFileName(o.Data)}");
        console.MarkupLineInterpolated($"  on {rows}: R² [bold]{Figures.G(o.R2)}[/], RMSE {Figures.G(o.Rmse)}, MAE {Figures.G(o.Mae)}");
        var table = new Table().AddColumn("term").AddColumn(new TableColumn("coefficient").RightAligned());
        table.AddRow("(intercept)", Figures.G(o.Intercept, 8));
        foreach (var (name, value) in o.Coefficients) table.AddRow(Markup.Escape(name), Figures.G(value, 8));
        console.Write(table);
        foreach (var note in o.Notes) console.MarkupLineInterpolated($"  note: {note}");
        if (o.GradientDescent is { } gd)
        {
            console.MarkupLineInterpolated($"  gradient descent: η = {Figures.G(gd.LearningRate)}, {gd.Epochs} epochs on standardised features");
            console.MarkupLine("  training mean squared error by epoch:");
            foreach (var e in new[] { 1, 10, 100, 1000, gd.Epochs }.Where(e => e <= gd.Epochs).Distinct())
                console.MarkupLineInterpolated($"    epoch {e,5}: {Figures.G(gd.EpochLosses[e - 1], 8)}");
            console.MarkupLine("  distance to the closed-form solution (relative L2):");
            console.MarkupLineInterpolated($"    predictions {Figures.G(gd.DistanceToClosedForm.Predictions, 3)}, coefficients {Figures.G(gd.DistanceToClosedForm.Coefficients, 3)}");
        }
        if (o.ModelPath is not null) console.MarkupLineInterpolated($"  saved the pipeline to {o.ModelPath}");
    }
}
