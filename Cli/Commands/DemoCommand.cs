using System.CommandLine;
using System.Diagnostics;
using NeuralPipelines.Cli.Commands.Demo;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np demo</c>: the project's main job on the shipped data in under a minute, explained step by step.</summary>
public sealed class DemoCommand : ICliCommand
{
    public string Name => "demo";

    /// <summary>The demo, in order. Each step is one small class; add a capability by adding a step.</summary>
    public static IReadOnlyList<DemoStep> Steps { get; } =
    [
        new DiabetesRegressionStep(),
        ClassificationStep.BreastCancer(),
        ClassificationStep.Iris(),
        new ScoreSavedModelStep(),
        new NeuralNetworkStep(),
        new ColorizationStep(),
    ];

    public Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Folder for the models and predictions the demo writes (created if missing; its files are checked before step 1).", DefaultValueFactory = _ => "np-demo" };
        var force = Outputs.ForceOption();
        var json = CliContext.JsonOption();
        var command = new Command("demo",
            "Run the project's main job on the shipped data (no downloads, under a minute): linear regression in closed form and by " +
            "gradient descent, binary and multiclass logistic regression, each as an ML.NET pipeline saved with mlContext.Model.Save, " +
            "then a saved model loaded back and scored; then a 784-100-10 network trained on MNIST digits with our trainer, exported to ONNX, " +
            "saved as an ML.NET model, reloaded and scored in batches through ONNX Runtime; last, a short pix2pix colorizer run on the shipped " +
            "photographs. Says what each step did and which files it wrote.");
        command.Options.Add(output);
        command.Options.Add(force);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            var asJson = parse.GetValue(json);
            var given = parse.GetValue(output)!;
            var folder = Path.GetFullPath(given);
            if (File.Exists(folder)) throw new ArgumentException($"--out {given}: a file, not a folder; --out takes a folder (created if missing).");
            using var outputs = CheckOutputs(given, folder, parse.GetValue(force), asJson);
            var console = context.Console(asJson);
            var demo = new DemoContext(folder, console, Steps.SelectMany(s => s.Files).Select(f => f.Name).ToHashSet());
            var total = Stopwatch.StartNew();
            var results = new List<object>();
            for (var i = 0; i < Steps.Count; i++)
            {
                var step = Steps[i];
                console.WriteLine();
                console.MarkupLineInterpolated($"[bold blue]Step {i + 1}/{Steps.Count}:[/] [bold]{step.Title}[/]");
                var clock = Stopwatch.StartNew();
                var figures = step.Run(demo);
                console.MarkupLineInterpolated($"  [grey]({clock.Elapsed.TotalSeconds:F1} s)[/]");
                results.Add(new { step.Name, step.Title, Seconds = clock.Elapsed.TotalSeconds, Figures = figures });
            }
            console.WriteLine();
            console.MarkupLineInterpolated($"Done in {total.Elapsed.TotalSeconds:F1} s. {demo.Written.Count} files in {folder}:");
            foreach (var file in demo.Written) console.MarkupLineInterpolated($"  {Path.GetFileName(file)}");
            console.MarkupLine("Next: np score --model FILE.zip --data CSV --output preds.csv");
            console.MarkupLine("      np train mlp --out mlp.ckpt   (the MLP recipe; np train --help lists every recipe);  np train gan --out gan.ckpt");
            console.MarkupLine("      np export --model mlp.ckpt --out mlp.onnx;  np validate --help;  np regress --help");
            if (asJson)
                context.WriteJson(new { OutputFolder = folder, Seconds = total.Elapsed.TotalSeconds, Steps = results, Files = demo.Written });
            return 0;
        });
        return command;
    }

    /// <summary>Every step's files, checked before step 1 (a read-only file, a model of another kind, a folder in their
    /// place), so that the demo never stops halfway with the first steps' files already rewritten. A folder the demo
    /// created is taken away again if the run ends with it empty: refused here, or failed before its first file.</summary>
    private static IDisposable CheckOutputs(string given, string folder, bool force, bool json)
    {
        var created = Outputs.CreateFolder("--out", folder);
        try
        {
            return new RunFolder(Outputs.Check(force, json, [], [.. Steps.SelectMany(s => s.Files).Select(f => new OutputOption("--out", Path.Combine(folder, f.Name), f.Writes)),
                new OutputOption("--out", given, OutputContent.Folder)]), created);
        }
        catch
        {
            created.RemoveIfEmpty();
            throw;
        }
    }

    // The checked outputs' scope first (it holds a lock file in the folder), then the folder if the run left it empty.
    private sealed class RunFolder(IDisposable outputs, NeuralPipelines.Data.IO.CreatedFolder created) : IDisposable
    {
        public void Dispose()
        {
            outputs.Dispose();
            created.RemoveIfEmpty();
        }
    }
}
