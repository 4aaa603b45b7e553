using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Cli.Commands.Training;
using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np train ARCH</c>: trains an MLP (Nielsen's network, sized by --layers) or a model-zoo network on an image dataset.</summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";

    public Command Create(CliContext context)
    {
        var arch = new Argument<string?>("architecture")
        {
            Description = $"mlp (sized by --layers) or a model-zoo network: {string.Join(", ", ModelZoo.Architectures.Where(a => a.Name != "mlp").Select(a => a.Name).DefaultIfEmpty("(none yet)"))}. Optional with --resume.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var layers = new Option<string>("--layers") { Description = "MLP layer sizes, input first, classes last.", DefaultValueFactory = _ => "784,30,10" };
        var activation = new Option<string>("--activation") { Description = "Hidden (and, with the quadratic cost, output) activation: sigmoid, tanh, relu, leaky-relu.", DefaultValueFactory = _ => "sigmoid" };
        var cost = new Option<string?>("--cost") { Description = "quadratic, cross-entropy (sigmoid outputs) or log-likelihood (softmax outputs). Default: cross-entropy for mlp, log-likelihood for zoo networks." };
        var init = new Option<string>("--init") { Description = "Weight initialisation: scaled (N(0,1/n_in), Nielsen's improved), normal (N(0,1)), he, xavier.", DefaultValueFactory = _ => "scaled" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or adam.", DefaultValueFactory = _ => "sgd" };
        var lr = new Option<float?>("--lr") { Description = "Learning rate η (default 0.5 for mlp, 0.05 for zoo networks; Adam: 0.001)." };
        var momentum = new Option<float>("--momentum") { Description = "SGD momentum μ (0 = plain SGD)." };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => 10 };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs to train (default 30). With --resume: the new total." };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: constant, cosine, step or step:EVERY:FACTOR.", DefaultValueFactory = _ => "constant" };
        var l2 = new Option<float>("--l2") { Description = "L2 regularisation λ (weight decay λ/n, Nielsen ch. 3)." };
        var l1 = new Option<float>("--l1") { Description = "L1 regularisation λ." };
        var dropout = new Option<float>("--dropout") { Description = "Dropout rate on hidden layers (0 = none)." };
        var augment = new Option<string?>("--augment")
        {
            Description = "Augment training images each epoch: 'standard' (±10° rotation, 1-pixel shifts, 20% blurred) or e.g. rotate=15,shift=2,blur=0.5.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var patience = new Option<int>("--patience") { Description = "Early stopping: stop after this many epochs without a better test accuracy (0 = off)." };
        var normalize = new Option<bool>("--normalize") { Description = "Standardise pixels by the training set's per-channel mean and deviation (saved in the checkpoint)." };
        var data = new Option<string>("--data") { Description = "Dataset: mnist (the shipped 10k split), fashion-mnist (found locally or downloaded) or a folder of IDX files.", DefaultValueFactory = _ => "mnist" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images (quick runs)." };
        var seed = new Option<int>("--seed") { Description = "Seed for initial weights, shuffling, dropout and augmentation.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Checkpoint path, rewritten after every epoch (default ARCH.ckpt). Curves go beside it as NAME.curves.png." };
        var resume = new Option<string?>("--resume") { Description = "Continue training from this checkpoint with its saved options; only --epochs, --out, --data and --train-limit may be given (others are refused)." };
        var noTrainEval = new Option<bool>("--no-train-eval") { Description = "Skip measuring the whole training set after each epoch (faster; train figures become running averages)." };
        var json = CliContext.JsonOption();

        var command = new Command("train", "Train a network on images: epochs of shuffled mini-batches, test accuracy after each, checkpoint after each.\n" +
            "Example (Nielsen ch. 1): np train mlp --layers 784,30,10 --activation sigmoid --cost quadratic --init normal --lr 3.0 --batch-size 10 --epochs 30 --out mlp.ckpt");
        command.Arguments.Add(arch);
        foreach (var o in new Option[] { layers, activation, cost, init, optimizer, lr, momentum, batch, epochs, schedule, l2, l1, dropout, augment,
                                         patience, normalize, data, trainLimit, seed, output, resume, noTrainEval, json })
            command.Options.Add(o);

        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            var limit = parse.GetValue(trainLimit);
            if (limit < 1) throw new ArgumentException($"--train-limit must be at least 1, got {limit}.");
            var split = new DatasetCatalog().LoadImages(parse.GetValue(data)!);
            if (limit is int n) split = split with { Train = split.Train.Take(n) };
            string? resumePath = parse.GetValue(resume);
            string? archName = parse.GetValue(arch);
            var checkpoint = resumePath is not null ? Resume(parse, resumePath, archName, split)
                : Start(parse, archName ?? throw new ArgumentException("Name the architecture to train (mlp or a zoo network), or give --resume CHECKPOINT."), split);
            return Run(context, checkpoint, split, asJson);
        });
        return command;

        // A resumed run keeps the options saved in the checkpoint; only the epoch count and the output path may change.
        Checkpoint Resume(ParseResult parse, string resumePath, string? archName, TrainTestSplit split)
        {
            // Saying --lr 0.01 and having it silently ignored would be worse than refusing it.
            var saved = new Option[] { layers, activation, cost, init, optimizer, lr, momentum, batch, schedule, l2, l1, dropout, augment, patience, normalize, seed, noTrainEval };
            var given = saved.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (given.Count > 0)
                throw new ArgumentException($"{string.Join(", ", given)}: a resumed run keeps the options saved in {resumePath}; only --epochs, --out, --data and --train-limit may be given with --resume.");
            var checkpoint = Checkpoint.Load(resumePath);
            checkpoint.EnsureMatches(archName, [split.Train.Channels, split.Train.Height, split.Train.Width]);
            var state = checkpoint.Training ?? throw new ArgumentException($"{resumePath} holds a model without training state; it cannot be resumed.");
            if (checkpoint.Metadata.TryGetValue("train_images", out var trained) && trained != split.Train.Count.ToString(CultureInfo.InvariantCulture))
                throw new ArgumentException($"{resumePath} was trained on {trained} images but --data/--train-limit give {split.Train.Count}; resume with the same training data.");
            if (parse.GetValue(epochs) is int total && total < state.CompletedEpochs)
                throw new ArgumentException($"--epochs {total} is fewer than the {state.CompletedEpochs} epochs {resumePath} has already completed; with --resume, --epochs is the new total.");
            state.Options = state.Options with
            {
                Epochs = parse.GetValue(epochs) ?? state.Options.Epochs,
                CheckpointPath = parse.GetValue(output) ?? resumePath,
            };
            return checkpoint;
        }

        Checkpoint Start(ParseResult parse, string archName, TrainTestSplit split)
        {
            bool isMlp = archName.Equals("mlp", StringComparison.OrdinalIgnoreCase);
            string costName = parse.GetValue(cost) ?? (isMlp ? "cross-entropy" : "log-likelihood");
            string optimizerName = parse.GetValue(optimizer)!.ToLowerInvariant();
            float rate = parse.GetValue(lr) ?? (optimizerName == "adam" ? 0.001f : isMlp ? 0.5f : 0.05f);
            var augmentation = parse.GetResult(augment) is null ? null : AugmentationOptions.Parse(parse.GetValue(augment) ?? "standard");
            var train = split.Train;
            var network = isMlp
                ? BuildMlp(parse, train, costName)
                : ModelZoo.Build(archName, new ZooOptions(train.Channels, train.Height, train.Width, train.Classes, parse.GetValue(seed), parse.GetValue(dropout)));
            var labels = Enumerable.Range(0, train.Classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var normalization = parse.GetValue(normalize) ? Normalization.Measure(train) : null;
            var checkpoint = new Checkpoint(network, isMlp ? "mlp" : ModelZoo.Get(archName).Name, [train.Channels, train.Height, train.Width], labels, costName, normalization)
            {
                Training = new TrainingState
                {
                    Options = new TrainerOptions
                    {
                        Epochs = parse.GetValue(epochs) ?? 30,
                        BatchSize = parse.GetValue(batch),
                        LearningRate = rate,
                        Schedule = LearningRateSchedule.Parse(parse.GetValue(schedule)!),
                        Optimizer = new OptimizerSettings(optimizerName, parse.GetValue(momentum)),
                        L2 = parse.GetValue(l2),
                        L1 = parse.GetValue(l1),
                        Seed = parse.GetValue(seed),
                        Patience = parse.GetValue(patience),
                        CheckpointPath = parse.GetValue(output) ?? archName.ToLowerInvariant() + ".ckpt",
                        Augmentation = augmentation,
                        EvaluateTrainingSet = !parse.GetValue(noTrainEval),
                    },
                },
            };
            checkpoint.SetMetadata("dataset", split.Name);
            checkpoint.SetMetadata("train_images", train.Count.ToString(CultureInfo.InvariantCulture));
            if (isMlp) checkpoint.SetMetadata("layers", parse.GetValue(layers)!);
            return checkpoint;
        }

        Layer BuildMlp(ParseResult parse, LabelledImages train, string costName)
        {
            var sizes = Mlp.ParseSizes(parse.GetValue(layers)!);
            if (sizes[0] != train.ImageLength)
                throw new ArgumentException($"--layers starts with {sizes[0]} inputs but {train.Source} images have {train.Channels}×{train.Height}×{train.Width} = {train.ImageLength} pixels.");
            if (sizes[^1] != train.Classes)
                throw new ArgumentException($"--layers ends with {sizes[^1]} outputs but the dataset has {train.Classes} classes.");
            return Mlp.Build(new MlpOptions(sizes, parse.GetValue(activation)!, Initializers.Parse(parse.GetValue(init)!),
                parse.GetValue(dropout), costName, parse.GetValue(seed)));
        }
    }

    private static int Run(CliContext context, Checkpoint checkpoint, TrainTestSplit split, bool asJson)
    {
        var console = context.LogConsole(asJson);
        var state = checkpoint.Training!;
        var o = state.Options;
        string path = o.CheckpointPath!;
        o.Validate(); // before the header line, so bad options print nothing but the error
        console.MarkupLineInterpolated($"[bold]np train {checkpoint.Architecture}[/]: {checkpoint.Network.ParameterCount():N0} parameters, {split.Train.Count} training / {split.Test.Count} test images, cost {checkpoint.Cost}, {o.Optimizer.Kind} η={o.LearningRate}, batch {o.BatchSize}, epochs {state.CompletedEpochs + 1}..{o.Epochs}");

        var perEpoch = new List<double>();
        void PrintEpoch(EpochReport r)
        {
            perEpoch.Add(r.Seconds + r.EvaluationSeconds);
            double eta = perEpoch.Average() * (r.Epochs - r.Epoch);
            console.MarkupLineInterpolated(
                $"epoch {r.Epoch}/{r.Epochs} η={r.LearningRate:G3} cost {r.TrainLoss:F4} train {100 * r.TrainAccuracy:F2}% test {100 * r.TestAccuracy:F2}% {r.Seconds:F1}s {r.ImagesPerSecond:N0} img/s ETA {TimeSpan.FromSeconds(Math.Round(eta)):g}");
        }

        TrainingResult result;
        var trainer = new Trainer(checkpoint);
        if (console.Profile.Capabilities.Interactive && !asJson)
        {
            result = null!;
            console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: 1);
                    var throttle = System.Diagnostics.Stopwatch.StartNew();
                    result = trainer.Fit(split,
                        new SyncProgress<EpochReport>(PrintEpoch),
                        new SyncProgress<BatchProgress>(b =>
                        {
                            // Redrawing per batch would cost more than a small network's step: update ten times a second.
                            if (b.Batch != b.Batches && throttle.ElapsedMilliseconds < 100) return;
                            throttle.Restart();
                            task.Description = $"epoch {b.Epoch}/{b.Epochs}  cost {b.Loss:F4}";
                            task.Value = (double)b.Batch / b.Batches;
                        }));
                });
        }
        else
            result = trainer.Fit(split, new SyncProgress<EpochReport>(PrintEpoch));

        string? plot = null;
        if (result.History.Count > 0)
        {
            plot = TrainingCurves.PathFor(path);
            TrainingCurves.Write(plot, result.History, $"{checkpoint.Architecture} {checkpoint.Cost}".ToUpperInvariant());
        }
        if (result.StopReason is not null) console.MarkupLineInterpolated($"[yellow]{result.StopReason}[/]");
        console.MarkupLineInterpolated($"test accuracy [bold]{100 * result.TestAccuracy:F2}%[/], {result.TrainSeconds:F1}s training, {result.ImagesPerSecond:N0} images/s; checkpoint {path}{(plot is null ? "" : $", curves {plot}")}");
        if (asJson)
            context.WriteJson(new
            {
                Architecture = checkpoint.Architecture,
                TestAccuracy = result.TestAccuracy,
                TrainAccuracy = result.TrainAccuracy,
                TestLoss = result.History.Count > 0 ? result.History[^1].TestLoss : double.NaN,
                TrainSeconds = result.TrainSeconds,
                ImagesPerSecond = result.ImagesPerSecond,
                Epochs = state.CompletedEpochs,
                StopReason = result.StopReason,
                Checkpoint = path,
                Curves = plot,
                PerEpoch = result.History,
            });
        return 0;
    }
}
