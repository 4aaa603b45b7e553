using System.Globalization;
using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Training;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>Runs the generative trainer for <c>np train gan|gmmn|gmmn-ae</c>: one line per epoch with its losses, a grid of
/// samples beside the checkpoint after every epoch (always from the same noise, so the grids show the generator learning;
/// drawn by the generator's moving average when it keeps one, as np sample draws),
/// the checkpoint rewritten after every epoch, loss curves at the end and the JSON summary.</summary>
internal static class GenerativeTrainingRun
{
    /// <summary>The noise seed of the per-epoch grids.</summary>
    private const int GridSeed = 0, GridCount = 64;

    public static string SamplesPath(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".samples.png");

    /// <param name="note">A line said before the header (what a resumed run changed in the file's model).</param>
    public static int Run(CliContext context, GenerativeCheckpoint checkpoint, string path, LabelledImages train, bool asJson, string? resumedFrom = null, string? note = null, EpochCopies? copies = null)
    {
        var console = context.Console(asJson);
        var (model, state) = (checkpoint.Model, checkpoint.Training!);
        var o = state.Options;
        o.Validate();
        using var keptCopies = copies?.Check(state.CompletedEpochs + 1, o.TotalEpochs, asJson);
        if (note is not null) console.MarkupLineInterpolated($"[yellow]{note}[/]");
        string networks = model.Discriminator is { } d ? $"G {model.Generator.ParameterCount():N0} + D {d.ParameterCount():N0}"
            : model.Autoencoder is { } ae ? $"G {model.Generator.ParameterCount():N0} + auto-encoder {ae.ParameterCount():N0}"
            : $"G {model.Generator.ParameterCount():N0}";
        string autoencoder = o.AutoencoderEpochs > 0 ? $", auto-encoder first for {o.AutoencoderEpochs} epochs" : "";
        string average = o.EmaDecay > 0 ? $", generator EMA β {o.EmaDecay}{(model.AverageGenerator is null && state.CompletedEpochs > 0 ? " (started from the checkpoint's generator)" : "")}" : "";
        string latent = model.Mixture is { } mix ? $", z from a mixture of {mix.Components} Gaussians (σ {mix.Sd.ToString(CultureInfo.InvariantCulture)})" : "";
        string game = (model.Discriminator is null ? "" : $", {o.Features} features") + o.DescribeGame();
        string decay = o.LearningRateDecayEpochs > 0 ? $", η decaying linearly to 0 over epochs {o.TotalEpochs - o.LearningRateDecayEpochs + 1}..{o.TotalEpochs}" : "";
        console.MarkupLineInterpolated($"[bold]np train {model.Name}[/]: {networks} parameters, {train.Count} training images, Adam η={o.LearningRate} β₁={o.Beta1}, batch {o.BatchSize}, epochs {state.CompletedEpochs + 1}..{o.TotalEpochs}{decay}{autoencoder}{average}{latent}{game}");

        string samples = SamplesPath(path);
        void EpochDone(GenerativeEpochReport r)
        {
            var grid = model.Sample(GridCount, GridSeed);
            ImageWriter.WriteGrid(samples, grid.Span, GridCount, model.ImageShape[0], model.ImageShape[1], model.ImageShape[2]);
            string losses = string.Join(" ", r.Losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F4}")));
            console.MarkupLineInterpolated($"epoch {r.Epoch}/{r.Epochs} {r.Phase}: {losses} {r.Seconds:F1}s {r.ImagesPerSecond:N0} img/s");
        }

        var trainer = new GenerativeTrainer(model, state);
        var kept = new BestCheckpoint(path, resumedFrom, EpochMerit.Of(state), p => EpochMerit.Of(GenerativeCheckpoint.Load(p).Training));
        var save = kept.Saving(checkpoint.Save, () => EpochMerit.Of(state)!.Value);
        var callbacks = new GenerativeCallbacks { Save = copies is null ? save : copies.Keeping(save, () => state.CompletedEpochs), Epoch = new SyncProgress<GenerativeEpochReport>(EpochDone) };
        IReadOnlyList<GenerativeEpochReport> history = kept.Guard(() =>
            console.Profile.Capabilities.Interactive && !asJson
                ? ProgressBar.Show(console, show => trainer.Fit(train, callbacks with
                {
                    Batch = new SyncProgress<GenerativeBatchProgress>(b => show(
                        $"epoch {b.Epoch}/{b.Epochs} {b.Phase}  {b.Losses}", (double)b.Batch / b.Batches)),
                }))
                : trainer.Fit(train, callbacks));

        string? curves = null;
        if (history.Count > 0)
        {
            curves = TrainingCurvesPlot.PathFor(path);
            LinePlotPng.Write(curves, Panels(model.Name, history));
        }
        console.MarkupLineInterpolated($"{model.Name}: {state.CompletedEpochs} epochs, {state.TrainSeconds:F1}s training; checkpoint {path}, samples {samples}{(curves is null ? "" : $", curves {curves}")}");
        if (asJson)
            context.WriteJson(new
            {
                Kind = model.Name,
                Epochs = state.CompletedEpochs,
                EmaDecay = o.EmaDecay,
                LearningRateDecayEpochs = o.LearningRateDecayEpochs,
                LatentComponents = model.Mixture?.Components ?? 0,
                ComponentSd = model.Mixture?.Sd,
                Features = model.Discriminator is null ? (int?)null : o.Features,
                DiscriminatorLr = o.DiscriminatorLearningRate,
                LabelSmoothing = o.LabelSmoothing,
                TopK = o.TopK,
                Generator = Models.Settings.SettingNames.Name(model.Weights()),
                TrainSeconds = state.TrainSeconds,
                Checkpoint = path,
                Samples = File.Exists(samples) ? samples : null,
                Curves = curves,
                PerEpoch = history.Select(r => new { r.Epoch, r.Phase, r.Losses, r.Seconds, r.ImagesPerSecond }).ToArray(),
            });
        return 0;
    }


    /// <summary>One panel per phase, each loss a series over the epochs.</summary>
    private static IReadOnlyList<LinePanel> Panels(string name, IReadOnlyList<GenerativeEpochReport> history) =>
        history.GroupBy(r => r.Phase).Select(phase =>
        {
            var epochs = phase.Select(r => (double)r.Epoch).ToArray();
            var series = phase.First().Losses.Keys
                .Where(k => k is not ("d_real" or "d_fake"))
                .Select(k => new PlotSeries(k, epochs, phase.Select(r => r.Losses[k]).ToArray())).ToArray();
            return new LinePanel($"{name}: {phase.Key}", "epoch", "loss", series);
        }).ToArray();
}
