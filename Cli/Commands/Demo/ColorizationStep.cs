using System.Diagnostics;
using NeuralPipelines.Cli.Commands.Training;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>pix2pix in miniature: a short training run of the colorizer (U-Net + PatchGAN, L1 + cGAN) on the shipped
/// photographs at 32×32, then a contact sheet of held-out photos (grey input | colorized | truth).</summary>
/// <remarks>A few epochs of a narrow network fit the demo's minute; the colours are rough. The documented run
/// (docs/EXPERIMENTS.md) and <c>np train colorize --data DIR</c> are where real colorization comes from.</remarks>
public sealed class ColorizationStep : DemoStep
{
    public override string Name => "photo-colorization";

    public override string Title => "pix2pix colorization (U-Net + PatchGAN, L1 + cGAN): a short run on the shipped photographs";
    public override IReadOnlyList<(string Name, OutputContent Writes)> Files { get; } = [("colorized-photos.png", OutputContent.Png), ("colorizer.ckpt", OutputContent.Checkpoint)];

    public override object Run(DemoContext context)
    {
        var console = context.Console;
        string folder = ShippedData.Photos;
        var options = new ColorizerOptions(Size: 32, Ngf: 16, Ndf: 16, Epochs: 6, Seed: 1);
        var train = ImageFolder.Load(Path.Combine(folder, "train"), options.Size);
        var test = ImageFolder.Load(Path.Combine(folder, "test"), options.Size, limit: 8);
        console.MarkupLineInterpolated($"  {train.Count} training photographs (shipped in Data/files/photos-64-small), {options.Describe()}, {options.Epochs} epochs");
        var model = ColorizerModel.Create(options);
        var state = new ColorizerTrainingState { Options = options };
        var clock = Stopwatch.StartNew();
        var history = new ColorizerTrainer(model, state).Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var last = history[^1].Losses;
        console.MarkupLineInterpolated($"  trained in {seconds:F1} s; last epoch: {string.Join(", ", last.Select(kv => $"{kv.Key} {kv.Value:F3}"))}");

        var sheet = context.PathFor("colorized-photos.png");
        ColorizerTrainingRun.WriteContactSheet(sheet, new Colorizer(model), test);
        context.Wrote(sheet, "held-out photographs: grey input | colorized | truth");
        var checkpoint = context.PathFor("colorizer.ckpt");
        new ColorizerCheckpoint(model, state).Save(checkpoint);
        context.Wrote(checkpoint, "the colorizer (np colorize --model colorizer.ckpt --input PHOTO --out FOLDER)");
        return new { Photos = train.Count, Epochs = options.Epochs, TrainSeconds = seconds, Losses = last };
    }
}
