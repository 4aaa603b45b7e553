using NeuralPipelines.Cli.Commands.Classic;
using Microsoft.ML;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Pipelines.Tabular;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>Loads the saved diabetes model the way a user's application would (mlContext.Model.Load), scores the CSV,
/// and checks the scores against the ones the freshly trained pipeline gave.</summary>
public sealed class ScoreSavedModelStep : DemoStep
{
    public override string Name => "score-saved-model";
    public override string Title => "Load the saved diabetes model and score the CSV, as np score does";
    public override IReadOnlyList<(string Name, OutputContent Writes)> Files { get; } = [("diabetes-predictions.csv", OutputContent.Csv)];

    public override object Run(DemoContext context)
    {
        var modelPath = (string)context.Shared["diabetes-model"];
        var trained = (double[])context.Shared["diabetes-scores"];
        var model = ModelFile.Load(new MLContext(seed: 1), modelPath, out _);
        using var loaded = model as IDisposable;
        var output = context.PathFor("diabetes-predictions.csv");
        var table = CsvReader.Read(ShippedData.Tabular("diabetes.csv"));
        var rows = TabularScorer.Score(model, table, modelPath, output);
        var reloaded = CsvReader.Read(output).Column("Score");
        var identical = reloaded.Zip(trained).All(p => (float)p.First == (float)p.Second);
        context.Console.MarkupLineInterpolated($"  mlContext.Model.Load, then {rows} rows scored; same as the trained pipeline: [bold]{(identical ? "yes" : "NO")}[/]");
        if (!identical) throw new InvalidOperationException($"{modelPath}: the loaded model scores differently from the pipeline that was saved.");
        context.Wrote(output, "the diabetes rows plus a Score column");
        return new { Rows = rows, IdenticalToTrainedPipeline = identical };
    }
}
