using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Validation;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Onnx;

/// <summary><c>np validate</c>: checks a saved model (ONNX, ML.NET zip or checkpoint) against a dataset's test split.</summary>
public sealed class ValidateCommand : ICliCommand
{
    public string Name => "validate";

    public Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "The saved model: an ONNX file (np export), an ML.NET zip (mlContext.Model.Save) or a checkpoint (np train).", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset whose test split is scored: mnist (the shipped 10k split) or a folder of IDX files.", DefaultValueFactory = _ => "mnist" };
        var limit = new Option<int?>("--limit") { Description = "Score only the first N test images." };
        var minAccuracy = new Option<double?>("--min-accuracy") { Description = "Fail (exit 1) when accuracy is below this fraction, e.g. 0.95." };
        var report = new Option<string?>("--report") { Description = "Also write the evaluation as JSON to this file, or to stdout for - (only when validation passes)." };
        var force = Outputs.ForceOption();
        var json = CliContext.JsonOption();
        var command = new Command("validate",
            "Load a saved model and score a labelled test set: accuracy, per-class recall, log-loss and throughput. " +
            "With --min-accuracy it is a gate for CI: exit 1 with one line naming the shortfall. The same checks are a library call: " +
            "SavedModel.Load(path).Evaluate(\"mnist\").AssertAccuracyAtLeast(0.95).");
        foreach (var o in new Option[] { model, data, limit, minAccuracy, report, force, json }) command.Options.Add(o);
        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            if (parse.GetValue(minAccuracy) is double gate) ModelEvaluation.RequireFraction(gate, "--min-accuracy");
            int? imageLimit = parse.AtLeastOne(limit);
            string? reportPath = parse.GetValue(report);
            using var outputs = Outputs.Check(parse.GetValue(force), asJson, [("--model", parse.GetValue(model)), ("--data", parse.GetValue(data))], new OutputOption("--report", reportPath, OutputContent.Json));
            using var saved = SavedModel.Load(parse.GetValue(model)!);
            var evaluation = saved.Evaluate(parse.GetValue(data)!, imageLimit);
            if (parse.GetValue(minAccuracy) is double min) evaluation.AssertAccuracyAtLeast(min);
            var result = new
            {
                Model = saved.Path,
                Format = saved.Format,
                Dataset = evaluation.Dataset,
                Images = evaluation.Count,
                Accuracy = evaluation.Accuracy,
                RecordedAccuracy = evaluation.RecordedAccuracy,
                LogLoss = evaluation.LogLoss,
                // A class with no image among those scored has no recall: null, not the string "NaN" among numbers.
                Recall = evaluation.ClassLabels.Zip(evaluation.Recall).ToDictionary(p => p.First, p => double.IsNaN(p.Second) ? (double?)null : p.Second),
                ImagesPerSecond = evaluation.RowsPerSecond,
                Confusion = evaluation.Confusion,
            };
            if (reportPath is not null)
                Outputs.WriteText(context, reportPath, s => System.Text.Json.JsonSerializer.Serialize(s, result, CliContext.JsonOptions));
            // With the report on stdout, the summary line goes to stderr.
            var console = context.Console(asJson || reportPath == Outputs.Stdout);
            console.MarkupLineInterpolated(
                $"[bold]{saved.Path}[/] ({saved.Format}) on {evaluation.Dataset}: accuracy [bold]{(100 * evaluation.Accuracy).ToString("F2", CultureInfo.InvariantCulture)}%[/] ({evaluation.Correct}/{evaluation.Count}), {evaluation.RowsPerSecond:N0} images/s");
            if (asJson) context.WriteJson(result);
            return 0;
        });
        return command;
    }
}
