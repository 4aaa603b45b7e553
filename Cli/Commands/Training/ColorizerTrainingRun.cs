using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Training;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary><c>np train colorize</c>: trains a pix2pix colorizer (or its L1-only baseline) on a folder of photos: one line
/// per epoch with its losses, a contact sheet (grey input | colorized | ground truth) beside the checkpoint after every
/// epoch, the checkpoint rewritten after every epoch, loss curves at the end and the JSON summary.</summary>
internal static class ColorizerTrainingRun
{
    private const int SheetPhotos = 8;

    public static string SheetPath(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".sheet.png");

    /// <param name="architecture">np train's own argument: System.CommandLine lets it stand before the subcommand
    /// (np train lenet5 colorize), and its help shows it there, so a value given is refused rather than ignored.</param>
    public static Command Create(CliContext context, Argument<string?> architecture)
    {
        var d = new ColorizerOptions();
        var loss = new Option<string>("--loss") { Description = "l1 (the regression baseline) or l1+gan (pix2pix).", DefaultValueFactory = _ => ColorizerLosses.Name(d.Loss) };
        var data = new Option<string>("--data") { Description = "photos (the shipped 320 photos) or a folder of photos; a folder with train/ and test/ sub-folders uses both.", DefaultValueFactory = _ => "photos" };
        var size = new Option<int>("--size") { Description = $"Square size the photos are centre-cropped to ({ColorizerOptions.SizesText}).", DefaultValueFactory = _ => d.Size };
        var ngf = new Option<int>("--ngf") { Description = $"U-Net width (channels of its outermost level), 1 to {ColorizerOptions.MaxWidth}.", DefaultValueFactory = _ => d.Ngf };
        var ndf = new Option<int>("--ndf") { Description = $"PatchGAN width, 1 to {ColorizerOptions.MaxWidth}.", DefaultValueFactory = _ => d.Ndf };
        var nLayers = new Option<int>("--n-layers") { Description = $"PatchGAN depth; receptive field {PatchGan.ReceptiveField(3)} pixels for 3, {PatchGan.ReceptiveField(2)} for 2.", DefaultValueFactory = _ => d.NLayers };
        var epochs = new Option<int?>("--epochs") { Description = $"Epochs (default {d.Epochs}); with --resume, the new total." };
        var batch = new Option<int>("--batch-size") { Description = "Photos per Adam step (mini-batch size).", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate for both networks.", DefaultValueFactory = _ => d.LearningRate };
        var lrDecay = DecayOption.Create("", "the default");
        var lambda = new Option<float>("--lambda") { Description = "Weight λ of the L1 term (the default is the paper's). Larger trades colour for PSNR: at 64×64, 1000 gave 1.6 dB below L1 alone at 0.87× the photos' colourfulness (docs/EXPERIMENTS.md).", DefaultValueFactory = _ => d.Lambda };
        var pad = new Option<int>("--pad") { Description = "Augmentation: random crops of the photo padded by this many reflected pixels (0 = none).", DefaultValueFactory = _ => d.Pad };
        var noFlip = new Option<bool>("--no-flip") { Description = "Do not mirror photos at random." };
        var seed = new Option<int>("--seed") { Description = "Seed for both networks' initial weights, the order of the photos, the crops and flips, and dropout.", DefaultValueFactory = _ => d.Seed };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training photos (quick runs)." };
        var output = new Option<string?>("--out") { Description = "Checkpoint path, rewritten after every epoch (default colorizer.ckpt); NAME.sheet.png and NAME.curves.png go beside it." };
        var resume = new Option<string?>("--resume") { Description = "Continue from this colorizer checkpoint with its saved options; only --epochs, --lr-decay-epochs, --keep-epochs, --out, --data and --train-limit apply." };
        var force = TrainingOutput.ForceOption();
        var keepEpochs = EpochCopies.Option();
        var json = CliContext.JsonOption();
        var command = new Command("colorize", "Train a pix2pix colorizer (U-Net + PatchGAN, Isola et al. 2017) or its L1-only baseline on photos: the model sees L and predicts a, b (CIE Lab).\n" +
            $"Defaults: {d.Describe()}.");
        foreach (var o in new Option[] { loss, data, size, ngf, ndf, nLayers, epochs, batch, lr, lrDecay, lambda, pad, noFlip, seed, trainLimit, output, resume, keepEpochs, force, json })
            command.Options.Add(o);
        context.SetAction(command, parse =>
        {
            if (parse.GetValue(architecture) is { } named)
                throw new ArgumentException($"np train colorize trains a pix2pix colorizer and takes no architecture; '{named}' was given before it (np train {named} … trains that network instead).");
            string? resumePath = parse.GetValue(resume);
            var limit = parse.TrainLimit(trainLimit);
            string path = parse.GetValue(output) ?? resumePath ?? "colorizer.ckpt";
            using var outputs = TrainingOutput.Check(path, resumePath, parse.GetValue(data), parse.GetValue(force), parse.GetValue(json),
                ("contact sheet", SheetPath(path)), ("curves", TrainingCurvesPlot.PathFor(path)));
            ColorizerCheckpoint checkpoint;
            if (resumePath is not null)
            {
                // Saying --ngf 32 and having it silently ignored would be worse than refusing it.
                var given = parse.NamesGiven([loss, size, ngf, ndf, nLayers, batch, lr, lambda, pad, noFlip, seed]);
                if (given.Count > 0)
                    throw new ArgumentException($"{string.Join(", ", given)}: a resumed run keeps the options saved in {resumePath}; only --epochs, --lr-decay-epochs, --keep-epochs, --out, --data and --train-limit may be given with --resume.");
                checkpoint = ColorizerCheckpoint.Load(resumePath);
                if (checkpoint.Training is null) throw new ArgumentException($"{resumePath} holds a colorizer without training state; it cannot be resumed.");
                var state = checkpoint.Training;
                int total = parse.GetValue(epochs) ?? state.Options.Epochs;
                ResumeChecks.EpochsLeft(parse.GetValue(epochs), total, state.CompletedEpochs, resumePath);
                state.Options = state.Options with { Epochs = total };
                if (parse.GetValue(lrDecay) is int k && k != state.Options.LearningRateDecayEpochs)
                {
                    DecayOption.CheckResumed(k, total, state.CompletedEpochs, resumePath);
                    state.Options = state.Options with { LearningRateDecayEpochs = k };
                }
            }
            else
            {
                var options = new ColorizerOptions(ColorizerLosses.Parse(parse.GetValue(loss)!), parse.GetValue(size), parse.GetValue(ngf), parse.GetValue(ndf),
                    parse.GetValue(nLayers), parse.GetValue(epochs) ?? d.Epochs, parse.GetValue(batch), parse.GetValue(lr), d.Beta1, parse.GetValue(lambda),
                    parse.GetValue(pad), !parse.GetValue(noFlip), parse.GetValue(seed), parse.GetValue(lrDecay) ?? d.LearningRateDecayEpochs);
                options.Validate();
                checkpoint = new ColorizerCheckpoint(ColorizerModel.Create(options), new ColorizerTrainingState { Options = options });
            }
            var (trainFolder, testFolder) = Folders(parse.GetValue(data)!);
            var o2 = checkpoint.Training!.Options;
            var train = ImageFolder.Load(trainFolder, o2.Size, limit: limit);
            var sheet = ImageFolder.Load(testFolder, o2.Size, limit: SheetPhotos);
            if (resumePath is not null) ResumeChecks.SameTrainingData(resumePath, checkpoint.Model.Metadata, train.Count, "photos");
            checkpoint.Model.SetMetadata("train_images", train.Count.ToString(CultureInfo.InvariantCulture));
            checkpoint.Model.SetMetadata("data", trainFolder);
            return Run(context, checkpoint, path, train, sheet, parse.GetValue(json), resumePath,
                EpochCopies.For(parse.GetValue(keepEpochs), path, parse.GetValue(force), resumePath));
        });
        return command;
    }

    /// <summary>The training folder and the folder the contact sheet's photos come from.</summary>
    private static (string Train, string Test) Folders(string data)
    {
        string root = ShippedData.PhotoFolderPath(data) ?? data;
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{data}: not a folder of photos nor a shipped photo set ({string.Join(", ", ShippedData.PhotoFolders.Keys)}).");
        string train = Path.Combine(root, "train"), test = Path.Combine(root, "test");
        if (Directory.Exists(train)) return (train, Directory.Exists(test) ? test : train);
        return (root, root);
    }

    public static int Run(CliContext context, ColorizerCheckpoint checkpoint, string path, PhotoSet train, PhotoSet sheetPhotos, bool asJson, string? resumedFrom = null, EpochCopies? copies = null)
    {
        var console = context.Console(asJson);
        var (model, state) = (checkpoint.Model, checkpoint.Training!);
        var o = state.Options;
        using var keptCopies = copies?.Check(state.CompletedEpochs + 1, o.Epochs, asJson);
        long gParams = model.Generator.ParameterCount(), dParams = model.Discriminator?.ParameterCount() ?? 0;
        string networks = model.Discriminator is null ? $"U-Net {gParams:N0}" : $"U-Net {gParams:N0} + PatchGAN {dParams:N0} (receptive field {PatchGan.ReceptiveField(o.NLayers)})";
        console.MarkupLineInterpolated($"[bold]np train colorize[/] ({ColorizerLosses.Name(o.Loss)}): {networks} parameters, {train.Count} photos from {train.Source}, {o.Describe()}, epochs {state.CompletedEpochs + 1}..{o.Epochs}");

        string sheet = SheetPath(path);
        void EpochDone(ColorizerEpochReport r)
        {
            WriteContactSheet(sheet, new Colorizer(model), sheetPhotos);
            string losses = string.Join(" ", r.Losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F4}")));
            console.MarkupLineInterpolated($"epoch {r.Epoch}/{r.Epochs}: {losses} {r.Seconds:F1}s {r.ImagesPerSecond:N1} img/s");
        }

        var trainer = new ColorizerTrainer(model, state);
        var kept = new BestCheckpoint(path, resumedFrom, EpochMerit.Of(state), p => EpochMerit.Of(ColorizerCheckpoint.Load(p).Training));
        var save = kept.Saving(checkpoint.Save, () => EpochMerit.Of(state)!.Value);
        var callbacks = new ColorizerCallbacks { Save = copies is null ? save : copies.Keeping(save, () => state.CompletedEpochs), Epoch = new SyncProgress<ColorizerEpochReport>(EpochDone) };
        IReadOnlyList<ColorizerEpochReport> history = kept.Guard(() =>
            console.Profile.Capabilities.Interactive && !asJson
                ? ProgressBar.Show(console, show => trainer.Fit(train, callbacks with
                {
                    Batch = new SyncProgress<ColorizerBatchProgress>(b => show(
                        string.Create(CultureInfo.InvariantCulture, $"epoch {b.Epoch}/{b.Epochs}  l1 {b.L1:F4}"), (double)b.Batch / b.Batches)),
                }))
                : trainer.Fit(train, callbacks));

        string? curves = null;
        if (history.Count > 0)
        {
            curves = TrainingCurvesPlot.PathFor(path);
            var x = history.Select(r => (double)r.Epoch).ToArray();
            var panels = new List<LinePanel> { new("colorize: L1 of the generator", "epoch", "mean |Δab| (scaled)", [new PlotSeries("l1", x, history.Select(r => r.Losses["l1"]).ToArray())]) };
            if (history[0].Losses.ContainsKey("d_loss"))
                panels.Add(new LinePanel("colorize: adversarial", "epoch", "BCE", [
                    new PlotSeries("d_loss", x, history.Select(r => r.Losses["d_loss"]).ToArray()),
                    new PlotSeries("g_gan", x, history.Select(r => r.Losses["g_gan"]).ToArray())]));
            LinePlotPng.Write(curves, panels);
        }
        console.MarkupLineInterpolated($"colorize: {state.CompletedEpochs} epochs, {state.TrainSeconds:F1}s training; checkpoint {path}{(File.Exists(sheet) ? $", contact sheet {sheet}" : "")}{(curves is null ? "" : $", curves {curves}")}");
        if (asJson)
            context.WriteJson(new
            {
                Kind = ColorizerCheckpoint.Kind,
                Loss = ColorizerLosses.Name(o.Loss),
                Size = o.Size,
                GeneratorParameters = gParams,
                DiscriminatorParameters = dParams,
                TrainImages = train.Count,
                Epochs = state.CompletedEpochs,
                LearningRateDecayEpochs = o.LearningRateDecayEpochs,
                TrainSeconds = state.TrainSeconds,
                Checkpoint = path,
                ContactSheet = File.Exists(sheet) ? sheet : null,
                Curves = curves,
                PerEpoch = history.Select(r => new { r.Epoch, r.Losses, r.Seconds, r.ImagesPerSecond }).ToArray(),
            });
        return 0;
    }


    /// <summary>One row per photo: its lightness alone (grey) | the colorizer's colours on it | the photo.</summary>
    public static void WriteContactSheet(string path, Colorizer colorizer, PhotoSet photos)
    {
        int n = photos.Count, length = photos.ImageLength, plane = length / 3;
        var colorized = colorizer.ColorizeBatch(photos);
        var cells = new float[3 * n * length];
        var lab = new float[length];
        for (int i = 0; i < n; i++)
        {
            var photo = photos.Image(i);
            CieLab.FromSrgb(photo, lab);
            lab.AsSpan(plane).Clear(); // a* = b* = 0: the grey the model sees
            CieLab.ToSrgb(lab, cells.AsSpan((3 * i) * length, length));
            colorized.AsSpan(i * length, length).CopyTo(cells.AsSpan((3 * i + 1) * length, length));
            photo.CopyTo(cells.AsSpan((3 * i + 2) * length, length));
        }
        ImageWriter.WriteGrid(path, cells, 3 * n, 3, photos.Size, photos.Size, columns: 3);
    }
}
