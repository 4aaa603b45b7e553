using System.CommandLine;
using Microsoft.ML;
using Spectre.Console;
using NeuralPipelines.Cli.Commands.Classic;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np score</c>: runs a saved ML.NET pipeline over a CSV table and writes the predictions as CSV.</summary>
public sealed class ScoreCommand : ICliCommand
{
    public string Name => "score";

    public Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "An ML.NET model zip, e.g. written by np regress/classify --out.", Required = true };
        var data = new Option<string>("--data")
        {
            Description = $"CSV with the columns the model was trained on (any order; the label column may be absent), or a shipped table: {TabularOptions.ShippedTableNames}.",
            Required = true,
        };
        var output = new Option<string>("--output") { Description = "Where to write the input columns plus the prediction columns (written whole or not at all); - for stdout.", Required = true };
        var force = Outputs.ForceOption();
        var json = CliContext.JsonOption();
        var command = new Command("score",
            "Score a CSV table with a saved pipeline (mlContext.Model.Load) and write predictions: Score for regression; " +
            "PredictedLabel (0/1), Probability and Score for binary; PredictedClass and per-class Score_k for multiclass.\n" +
            "Example: np score --model diabetes.zip --data diabetes --output predictions.csv");
        foreach (var o in new Option[] { model, data, output, force, json }) command.Options.Add(o);

        context.SetAction(command, parse =>
        {
            var asJson = parse.GetValue(json);
            var modelPath = parse.GetValue(model)!;
            var outputPath = parse.GetValue(output)!;
            using var outputs = Outputs.Check(parse.GetValue(force), asJson,
                [("--model", modelPath), ("--data", TabularOptions.ResolvePath(parse.GetValue(data)!))], new OutputOption("--output", outputPath, Text: true));
            var table = CsvReader.Read(TabularOptions.ResolvePath(parse.GetValue(data)!));
            var pipeline = ModelFile.Load(new MLContext(seed: 1), modelPath, out _);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var rows = TabularScorer.Score(pipeline, table, modelPath, write => Outputs.WriteText(context, outputPath, write));
            var seconds = clock.Elapsed.TotalSeconds;
            if (asJson)
                context.WriteJson(new { Model = modelPath, Data = table.Source, Output = outputPath, Rows = rows, Seconds = seconds });
            else
                context.Console(outputPath == Outputs.Stdout).MarkupLineInterpolated($"scored {rows} rows of {Path.GetFileName(table.Source)} with {Path.GetFileName(modelPath)} in {seconds:F2} s; wrote {outputPath}");
            return 0;
        });
        return command;
    }
}
