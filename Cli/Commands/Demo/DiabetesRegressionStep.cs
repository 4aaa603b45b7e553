using NeuralPipelines.Cli.Commands.Classic;
using Microsoft.ML;
using NeuralPipelines.Data;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>Linear regression on diabetes two ways, side by side: closed form (QR) and plain gradient descent.</summary>
public sealed class DiabetesRegressionStep : DemoStep
{
    public override string Name => "diabetes-regression";
    public override string Title => "Linear regression on diabetes: closed form vs gradient descent";
    public override IReadOnlyList<(string Name, OutputContent Writes)> Files { get; } =
        [("diabetes-closed-form.zip", OutputContent.MlNetZip), ("diabetes-gradient-descent.zip", OutputContent.MlNetZip)];

    public override object Run(DemoContext context)
    {
        var data = TabularDataset.ReadCsv(ShippedData.Tabular("diabetes.csv"), "target");
        var ml = new MLContext(seed: 1);
        var closed = TabularRegression.Train(ml, data, new RegressionSettings { Method = RegressionMethod.ClosedForm });
        var gd = TabularRegression.Train(ml, data, new RegressionSettings { Method = RegressionMethod.GradientDescent, LearningRate = 0.3, Epochs = 3000 });
        var (closedScores, closedFigures) = TabularRegression.Evaluate(closed, data);
        var (_, gdFigures) = TabularRegression.Evaluate(gd, data);
        var distance = LinearModelDistance.Between(gd.Model, closed.Model, data.Rows);
        var losses = gd.GradientDescent!.EpochLosses;

        var c = context.Console;
        c.MarkupLine("  442 rows, 10 columns. Two ML.NET pipelines, Concatenate → trainer:");
        c.MarkupLine("  [bold]LeastSquares()[/] solves min ‖y − b − Xw‖² by QR in double precision;");
        c.MarkupLine("  [bold]GradientDescent()[/] takes 3000 full-batch steps, η = 0.3, standardised.");
        var table = new Table().AddColumn("term").AddColumn(new TableColumn("closed form").RightAligned()).AddColumn(new TableColumn("gradient descent").RightAligned());
        table.AddRow("(intercept)", Figures.G(closed.Model.Intercept, 7), Figures.G(gd.Model.Intercept, 7));
        for (var j = 0; j < data.FeatureNames.Count; j++)
            table.AddRow(Markup.Escape(data.FeatureNames[j]), Figures.G(closed.Model.Coefficients[j], 7), Figures.G(gd.Model.Coefficients[j], 7));
        table.AddRow("[bold]R²[/]", Figures.G(closedFigures.RSquared), Figures.G(gdFigures.RSquared));
        table.AddRow("RMSE", Figures.G(closedFigures.Rmse), Figures.G(gdFigures.Rmse));
        c.Write(table);
        c.MarkupLineInterpolated($"  gradient descent's MSE by epoch: 1: {Figures.G(losses[0])}, 100: {Figures.G(losses[99])}, 3000: {Figures.G(losses[^1])}");
        c.MarkupLine("  its distance to the closed form (relative L2):");
        c.MarkupLineInterpolated($"    predictions {Figures.G(distance.Predictions, 2)}, coefficients {Figures.G(distance.Coefficients, 2)}");

        var closedPath = context.PathFor("diabetes-closed-form.zip");
        ModelFile.Save(ml, closed.Pipeline, closed.InputSchema, closedPath);
        context.Wrote(closedPath, "closed-form pipeline (ML.NET zip, ONNX inside)");
        var gdPath = context.PathFor("diabetes-gradient-descent.zip");
        ModelFile.Save(ml, gd.Pipeline, gd.InputSchema, gdPath);
        context.Wrote(gdPath, "gradient-descent pipeline, same format");
        context.Shared["diabetes-model"] = closedPath;
        context.Shared["diabetes-scores"] = closedScores;

        return new
        {
            ClosedForm = new { R2 = closedFigures.RSquared, closedFigures.Rmse, closedFigures.Mae, closed.Model.Intercept },
            GradientDescent = new { R2 = gdFigures.RSquared, gdFigures.Rmse, gdFigures.Mae, gd.Model.Intercept, FinalLoss = losses[^1], Epochs = losses.Count },
            DistanceToClosedForm = new { distance.Predictions, distance.Coefficients },
        };
    }
}
