using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Generative.Evaluation;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np eval</c>: accuracy, cost, confusion matrix and top-class confidence of a checkpoint on a dataset's test split.</summary>
public sealed class EvalCommand : ICliCommand
{
    public string Name => "eval";

    public Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Checkpoint written by np train.", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset: mnist (the shipped 10k split), fashion-mnist or a folder of IDX files; its test split is scored.", DefaultValueFactory = _ => "mnist" };
        var json = CliContext.JsonOption();
        var command = new Command("eval", "Evaluate a trained checkpoint on a dataset's test split: accuracy, mean cost, the confusion matrix (rows: actual class, columns: predicted) " +
            "and the network's confidence: the mean probability of its top class, over all images and over those it predicts as each class.");
        command.Options.Add(model);
        command.Options.Add(data);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            var checkpoint = ClassifierCheckpoint.Load(parse.GetValue(model)!).Model;
            var split = new DatasetCatalog().LoadImages(parse.GetValue(data)!);
            var test = split.Test;
            checkpoint.EnsureFits(test);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // How sure it is, read from the same pass as np evaluate-generator reads its judge: the ceiling a generator's
            // samples are compared with.
            int k = test.Classes;
            var probabilities = new float[test.Count * k];
            var result = Evaluator.Evaluate(checkpoint.Network, LossFunctions.Create(checkpoint.Cost), test, checkpoint.Normalization,
                outputs: (output, start) => ClassifierReadout.ProbabilitiesOf(checkpoint.OutputActivation, output.Span, output.Dim(0), k, probabilities.AsSpan(start * k)));
            double seconds = clock.Elapsed.TotalSeconds;
            var confidence = ClassShares.Of(probabilities, k);

            var console = context.Console(asJson);
            console.MarkupLineInterpolated($"[bold]{checkpoint.Architecture}[/] on {split.Name} (test split): accuracy [bold]{100 * result.Accuracy:F2}%[/] ({(int)Math.Round(result.Accuracy * result.Count)}/{result.Count}), {SettingNames.Name(checkpoint.Cost)} cost {result.Loss:F4}, {result.Count / Math.Max(seconds, 1e-9):N0} images/s");
            var table = new Table().Title("confusion matrix (rows actual, columns predicted)");
            table.AddColumn("");
            foreach (var label in checkpoint.ClassLabels) table.AddColumn(new TableColumn(label).RightAligned());
            for (int i = 0; i < result.Confusion.Length; i++)
                table.AddRow([checkpoint.ClassLabels[i], .. result.Confusion[i].Select(c => c.ToString(CultureInfo.InvariantCulture))]);
            console.Write(table);
            console.MarkupLineInterpolated($"top-class confidence: mean [bold]{confidence.MeanConfidence:F3}[/]; per predicted class: {string.Join(", ", checkpoint.ClassLabels.Select((label, c) => $"{label} {(confidence.ClassConfidence[c] is double v ? v.ToString("F3", CultureInfo.InvariantCulture) : "—")}"))}");
            if (asJson)
                context.WriteJson(new
                {
                    Model = parse.GetValue(model),
                    Architecture = checkpoint.Architecture,
                    Dataset = split.Name,
                    Images = result.Count,
                    Accuracy = result.Accuracy,
                    TestAccuracy = result.Accuracy,
                    Loss = result.Loss,
                    Cost = SettingNames.Name(checkpoint.Cost),
                    ImagesPerSecond = result.Count / Math.Max(seconds, 1e-9),
                    ClassLabels = checkpoint.ClassLabels,
                    Confusion = result.Confusion,
                    confidence.MeanConfidence,
                    confidence.ClassConfidence,
                });
            return 0;
        });
        return command;
    }
}
