using System.Diagnostics;
using Microsoft.ML;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Validation;
using NeuralPipelines.Pipelines.Neural;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>The deep-learning half of the main job: trains an MLP on the shipped MNIST digits with our trainer as an ML.NET
/// estimator, writes the ONNX model and the ML.NET zip that embeds it, loads the zip back as an application would and
/// checks its accuracy, then scores the test digits with the batched ONNX Runtime scorer.</summary>
public sealed class NeuralNetworkStep : DemoStep
{
    public override string Name => "mnist-neural-network";
    public override string Title => "Train a 784-100-10 network on MNIST digits, export it to ONNX, save it as an ML.NET model and score it";
    public override IReadOnlyList<(string Name, OutputContent Writes)> Files { get; } = [("mnist-mlp.onnx", OutputContent.Onnx), ("mnist-mlp.zip", OutputContent.MlNetZip)];

    public override object Run(DemoContext context)
    {
        var console = context.Console;
        var split = new DatasetCatalog().LoadImages("mnist");
        console.MarkupLineInterpolated($"  {split.Train.Count} training and {split.Test.Count} test digits (28×28, shipped in Data/files/mnist-10k)");

        var ml = new MLContext(seed: 1);
        var train = ImageDataView.Create(ml, split.Train);
        // The MLP's recipe as it stands: the demo shows what a user gets without choosing anything.
        var options = new NeuralNetworkOptions { Architecture = "mlp", Seed = 1, Progress = new Progress(console) };
        console.MarkupLineInterpolated($"  ml.MulticlassClassification.Trainers.NeuralNetwork, recipe {options.Recipe.Name}: {options.Recipe.Describe()}");
        var clock = Stopwatch.StartNew();
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(train);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var onnxPath = context.PathFor("mnist-mlp.onnx");
        AtomicFile.WriteAllBytes(onnxPath, model.OnnxModel);
        context.Wrote(onnxPath, "the network as ONNX (opens in Netron, Python's onnxruntime, anywhere)");
        var zipPath = context.PathFor("mnist-mlp.zip");
        AtomicFile.Write(zipPath, s => ml.Model.Save(model, train.Schema, s));
        context.Wrote(zipPath, "an ML.NET model (mlContext.Model.Load reads it; the ONNX bytes are inside)");

        // What a user's test suite does: load the saved zip and check its accuracy on held-out digits.
        using var saved = SavedModel.Load(zipPath);
        var evaluation = saved.Evaluate(split.Test);
        console.MarkupLineInterpolated($"  reloaded {Path.GetFileName(zipPath)} with mlContext.Model.Load: test accuracy [bold]{evaluation.Accuracy:P2}[/] on {evaluation.Count} digits");

        // The fast path over the same bytes: one ONNX Runtime session, rows scored in batches of 256.
        using var scorer = model.CreateScorer(new OnnxScorerOptions { Log = line => console.MarkupLineInterpolated($"  [grey]{line}[/]") });
        int warm = Math.Min(256, split.Test.Count);
        scorer.Predict(split.Test.Pixels.AsSpan(0, warm * split.Test.ImageLength), warm); // warm-up: the first run plans the graph
        clock.Restart();
        var predicted = scorer.Predict(split.Test.Pixels, split.Test.Count);
        double scoreSeconds = clock.Elapsed.TotalSeconds;
        int agree = predicted.Zip(split.Test.Labels).Count(p => p.First == p.Second);
        double rowsPerSecond = split.Test.Count / Math.Max(scoreSeconds, 1e-9);
        console.MarkupLineInterpolated($"  batched ONNX Runtime scorer ({scorer.ExecutionProvider}): {rowsPerSecond:N0} rows/s, accuracy {agree / (double)split.Test.Count:P2}");
        if (agree != evaluation.Correct)
            throw new InvalidOperationException($"{zipPath}: the ML.NET model and the batched scorer disagree ({evaluation.Correct} vs {agree} correct).");

        return new
        {
            TrainSeconds = trainSeconds,
            TestAccuracy = evaluation.Accuracy,
            ExecutionProvider = scorer.ExecutionProvider,
            ScorerRowsPerSecond = rowsPerSecond,
            OnnxModel = onnxPath,
            MlNetModel = zipPath,
        };
    }

    /// <summary>Prints one line per epoch as the trainer reports it (synchronously: Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Progress(IAnsiConsole console) : IProgress<EpochReport>
    {
        public void Report(EpochReport r) =>
            console.MarkupLineInterpolated($"  epoch {r.Epoch}/{r.Epochs}: accuracy on the held-out 10% {r.TestAccuracy:P2}, {r.ImagesPerSecond:N0} images/s");
    }
}
