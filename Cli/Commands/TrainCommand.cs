using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Cli.Commands.Training;
using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Settings;
using NeuralPipelines.Models.Training.Recipes;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np train ARCH</c>: trains an MLP or a model-zoo network on an image dataset, starting from the architecture's
/// recipe (the settings that reach its documented result); any option replaces one value of it.</summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";

    public Command Create(CliContext context)
    {
        var arch = new Argument<string?>("architecture")
        {
            Description = $"mlp, a model-zoo network ({string.Join(", ", ModelZoo.Architectures.Where(a => a.Name != "mlp").Select(a => a.Name))}) or a generative model (gan, gmmn, gmmn-ae). Optional with --resume.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var options = new ClassifierTrainOptions();
        var data = new Option<string>("--data") { Description = "Dataset: mnist (the shipped 10k split), fashion-mnist (found locally or downloaded) or a folder of IDX files.", DefaultValueFactory = _ => "mnist" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images (quick runs)." };
        var output = new Option<string?>("--out") { Description = "Checkpoint path, rewritten after every epoch (default ARCH.ckpt). Curves go beside it as NAME.curves.png." };
        var resume = new Option<string?>("--resume") { Description = "Continue training from this checkpoint with its saved options; only --epochs, --out, --data, --train-limit and --keep-epochs may be given (generative models also --lr-decay-epochs and --ema; others are refused)." };
        var autoencoderEpochs = new Option<int?>("--autoencoder-epochs") { Description = "gmmn-ae: epochs of the auto-encoder before the generator trains on its codes." };
        var ema = new Option<float?>("--ema") { Description = "gan, gmmn, gmmn-ae: β of the moving average of the generator's weights that samples and is exported (0: keep none; the recipe's otherwise). " +
            "With --resume: start a new average from the checkpoint's generator as it stands, replacing any it keeps (0: drop it), e.g. to average only the later epochs of a run." };
        var gan = new GanTrainOptions();
        var lrDecay = DecayOption.Create("gan, gmmn, gmmn-ae: ", "the recipe's otherwise");
        var force = TrainingOutput.ForceOption();
        var keepEpochs = EpochCopies.Option();
        var json = CliContext.JsonOption();

        var command = new Command("train", "Train a network on images: epochs of shuffled mini-batches, test accuracy after each, checkpoint after each.\n" +
            "With no other option, each architecture trains with its recipe, the settings that reach its documented result:\n" +
            string.Join("\n", TrainingRecipes.Known.Select(r => $"  {r.Name,-24} {r.Describe()}  → {r.Result}")) +
            "\nAny option below replaces one value of the recipe. Example (Nielsen ch. 1): np train mlp --recipe nielsen\n" +
            "Generative models (their options: --epochs, --batch-size, --lr, --seed, --ema, --lr-decay-epochs, --autoencoder-epochs; " +
            $"gan also {string.Join(", ", gan.All.Select(o => o.Name))}):\n" +
            string.Join("\n", Enum.GetValues<GenerativeKind>().Select(k => $"  {SettingNames.Name(k),-24} {GenerativeOptions.For(k).Describe()}")) +
            "\n  each epoch writes NAME.samples.png (64 samples from fixed noise) beside the checkpoint.");
        command.Arguments.Add(arch);
        // np train colorize has options of its own (--loss, --ngf, ...), so it is a subcommand rather than an architecture.
        command.Subcommands.Add(ColorizerTrainingRun.Create(context, arch));
        foreach (var o in options.All.Concat([autoencoderEpochs, ema, lrDecay]).Concat(gan.All).Concat([ data, trainLimit, output, resume, keepEpochs, force, json])) command.Options.Add(o);

        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            var limit = parse.TrainLimit(trainLimit);
            string dataset = parse.GetValue(data)!;
            string? resumePath = parse.GetValue(resume), archName = parse.GetValue(arch);
            var content = resumePath is null ? null : CheckpointFile.Load(resumePath);
            // A generative model named for a classifier's checkpoint (or the reverse, or a colorizer for either) is refused
            // here, naming the file and both kinds, before either path reads it as its own kind.
            if (content is not null && archName is not null
                && (GenerativeCheckpoint.IsGenerative(archName.ToLowerInvariant()) != GenerativeCheckpoint.IsGenerative(content.Kind) || content.Kind == ColorizerCheckpoint.Kind))
                throw new ArgumentException($"{resumePath}: the checkpoint holds a {content.Kind} model, not {archName}.");
            // np train --resume takes a gan or gmmn checkpoint as it is, so a colorizer's owner tries it too; "not a
            // classifier" said what it was not, not where it resumes.
            if (content?.Kind == ColorizerCheckpoint.Kind)
                throw new ArgumentException($"{resumePath}: the checkpoint holds a colorizer; resume it with np train colorize --resume {resumePath}.");
            bool isGenerative = content is not null ? GenerativeCheckpoint.IsGenerative(content.Kind) : archName is not null && GenerativeCheckpoint.IsGenerative(archName.ToLowerInvariant());
            // The checkpoint path as Start/Resume will choose it, checked before the data is read or anything trained.
            string? outPath = parse.GetValue(output) ?? resumePath ?? (archName is null ? null : archName.ToLowerInvariant() + ".ckpt");
            using var outputs = outPath is null ? null : TrainingOutput.Check(outPath, resumePath, dataset, parse.GetValue(force), asJson,
                isGenerative ? [("curves", TrainingCurvesPlot.PathFor(outPath)), ("samples", GenerativeTrainingRun.SamplesPath(outPath))] : [("curves", TrainingCurvesPlot.PathFor(outPath))]);
            var copies = outPath is null ? null : EpochCopies.For(parse.GetValue(keepEpochs), outPath, parse.GetValue(force), resumePath);
            var split = new DatasetCatalog().LoadImages(dataset);
            if (limit is int n) split = split with { Train = split.Train.Take(n) };
            if (isGenerative)
            {
                var generative = content is not null ? ResumeGenerative(parse, resumePath!, content, archName, split.Train) : StartGenerative(parse, archName!, split.Train);
                return GenerativeTrainingRun.Run(context, generative.Checkpoint, generative.Path, split.Train, asJson, resumePath, generative.Note, copies);
            }
            if (parse.GetResult(ema) is { Implicit: false }) throw new ArgumentException("--ema: only generative models (gan, gmmn, gmmn-ae) keep a moving average of a generator.");
            if (parse.GetResult(autoencoderEpochs) is { Implicit: false }) throw new ArgumentException("--autoencoder-epochs: only gmmn-ae trains an auto-encoder.");
            gan.RefuseFor(parse, "a classifier has no generator's noise, discriminator or adversarial game");
            if (parse.GetResult(lrDecay) is { Implicit: false }) throw new ArgumentException("--lr-decay-epochs: only generative models (gan, gmmn, gmmn-ae) take it; a classifier's recipe sets its own schedule (--schedule).");
            var run = resumePath is not null
                ? Resume(parse, resumePath, content!, archName, split)
                : Start(parse, archName ?? throw new ArgumentException("Name the architecture to train (mlp or a zoo network), or give --resume CHECKPOINT."), dataset, split);
            return ClassifierTrainingRun.Run(context, run.Checkpoint, run.Path, split, asJson, resumePath, copies);
        });
        return command;

        // A resumed run keeps the options saved in the checkpoint; only the epoch count and the output path may change.
        (ClassifierCheckpoint Checkpoint, string Path) Resume(ParseResult parse, string resumePath, CheckpointContent content, string? archName, TrainTestSplit split)
        {
            // Saying --lr 0.01 and having it silently ignored would be worse than refusing it.
            var given = parse.NamesGiven(options.FixedByCheckpoint);
            if (given.Count > 0)
                throw new ArgumentException($"{string.Join(", ", given)}: a resumed run keeps the options saved in {resumePath}; only --epochs, --keep-epochs, --out, --data and --train-limit may be given with --resume.");
            var checkpoint = ClassifierCheckpoint.FromContent(resumePath, content);
            var (model, state) = checkpoint;
            try { model.EnsureMatches(archName, [split.Train.Channels, split.Train.Height, split.Train.Width]); }
            catch (ArgumentException e) { throw new ArgumentException($"{resumePath}: {e.Message}"); }
            if (state is null) throw new ArgumentException($"{resumePath} holds a model without training state; it cannot be resumed.");
            ResumeChecks.SameTrainingData(resumePath, model.Metadata, split.Train.Count, "images");
            ResumeChecks.NotStoppedEarly(resumePath, state.StopReason);
            ResumeChecks.EpochsLeft(parse.GetValue(options.Epochs), parse.GetValue(options.Epochs) ?? state.Options.Epochs, state.CompletedEpochs, resumePath);
            state.Options = state.Options with { Epochs = parse.GetValue(options.Epochs) ?? state.Options.Epochs };
            return (checkpoint, parse.GetValue(output) ?? resumePath);
        }

        (GenerativeCheckpoint Checkpoint, string Path, string? Note) StartGenerative(ParseResult parse, string kindName, LabelledImages train)
        {
            var kind = SettingNames.Parse<GenerativeKind>(kindName, "generative model");
            var classifierOnly = parse.NamesGiven(options.All.Except([options.Epochs, options.BatchSize, options.LearningRate, options.Seed]));
            if (classifierOnly.Count > 0)
                throw new ArgumentException($"{string.Join(", ", classifierOnly)}: not options of {kindName}; it takes --epochs, --batch-size, --lr, --seed, --ema, --lr-decay-epochs, --autoencoder-epochs and (gan) {string.Join(", ", gan.All.Select(o => o.Name))}.");
            var recipe = GenerativeOptions.For(kind);
            if (parse.GetValue(autoencoderEpochs) is int ae && kind != GenerativeKind.GmmnAe)
                throw new ArgumentException($"--autoencoder-epochs {ae}: only gmmn-ae trains an auto-encoder.");
            if (kind != GenerativeKind.Gan) gan.RefuseFor(parse, $"{kindName} draws uniform noise and is trained without a discriminator");
            var o = recipe with
            {
                Epochs = parse.GetValue(options.Epochs) ?? recipe.Epochs,
                BatchSize = parse.GetValue(options.BatchSize) ?? recipe.BatchSize,
                LearningRate = parse.GetValue(options.LearningRate) ?? recipe.LearningRate,
                AutoencoderEpochs = parse.GetValue(autoencoderEpochs) ?? recipe.AutoencoderEpochs,
                EmaDecay = parse.GetValue(ema) ?? recipe.EmaDecay,
                LearningRateDecayEpochs = parse.GetValue(lrDecay) ?? recipe.LearningRateDecayEpochs,
                Seed = parse.GetValue(options.Seed),
            };
            o.Validate();
            var (model, state) = GenerativeSetup.Start(kind, train, gan.Apply(parse, o));
            model.SetMetadata("dataset", train.Source);
            model.SetMetadata("train_images", train.Count.ToString(CultureInfo.InvariantCulture));
            return (new GenerativeCheckpoint(model, state), parse.GetValue(output) ?? kindName.ToLowerInvariant() + ".ckpt", null);
        }

        (GenerativeCheckpoint Checkpoint, string Path, string? Note) ResumeGenerative(ParseResult parse, string resumePath, CheckpointContent content, string? kindName, LabelledImages train)
        {
            var given = parse.NamesGiven(options.FixedByCheckpoint.Append(autoencoderEpochs).Concat(gan.All));
            if (given.Count > 0)
                throw new ArgumentException($"{string.Join(", ", given)}: a resumed run keeps the options saved in {resumePath}; only --epochs, --lr-decay-epochs, --ema, --keep-epochs, --out, --data and --train-limit may be given with --resume.");
            if (kindName is not null && !kindName.Equals(content.Kind, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{resumePath}: the checkpoint holds a {content.Kind} model, not {kindName}.");
            var checkpoint = GenerativeCheckpoint.FromContent(resumePath, content);
            var state = checkpoint.Training ?? throw new ArgumentException($"{resumePath} holds a model without training state; it cannot be resumed.");
            ResumeChecks.SameTrainingData(resumePath, checkpoint.Model.Metadata, train.Count, "images");
            // --epochs counts the generator's epochs; the auto-encoder's (gmmn-ae) come first and are not in it.
            int generatorEpochsDone = Math.Max(0, state.CompletedEpochs - state.Options.AutoencoderEpochs);
            if (parse.GetValue(options.Epochs) is int total)
            {
                ResumeChecks.EpochsLeft(total, total, generatorEpochsDone, resumePath);
                state.Options = state.Options with { Epochs = total };
            }
            if (parse.GetValue(lrDecay) is int k && k != state.Options.LearningRateDecayEpochs)
            {
                var o = state.Options with { LearningRateDecayEpochs = k };
                DecayOption.CheckResumed(k, o.TotalEpochs, state.CompletedEpochs, resumePath);
                state.Options = o;
            }
            string? note = null;
            if (parse.GetValue(ema) is float beta)
            {
                // Validated before the file's average is dropped, so a bad β leaves the model as it was.
                (state.Options with { EmaDecay = beta }).Validate();
                if (state.CompletedEpochs >= state.Options.TotalEpochs)
                    throw new ArgumentException($"--ema {beta.ToString(CultureInfo.InvariantCulture)}: {resumePath} has already trained all {state.Options.Epochs} of its epochs, so a new average would follow no step; give a larger --epochs.");
                if (state.Options.EmaDecay > 0 && checkpoint.Model.AverageGenerator is not null)
                    note = $"--ema {beta.ToString(CultureInfo.InvariantCulture)}: the moving average {resumePath} kept (β {state.Options.EmaDecay.ToString(CultureInfo.InvariantCulture)}) is " +
                        (beta > 0 ? "replaced by a new one, started from its generator as it stands" : "dropped; the raw generator samples from now on");
                checkpoint.Model.DropAverage();
                state.Options = state.Options with { EmaDecay = beta };
            }
            // Without --epochs (checked above when given), the checkpoint's total, after --ema's own word on a finished run.
            if (parse.GetValue(options.Epochs) is null) ResumeChecks.EpochsLeft(null, state.Options.Epochs, generatorEpochsDone, resumePath);
            return (checkpoint, parse.GetValue(output) ?? resumePath, note);
        }

        (ClassifierCheckpoint Checkpoint, string Path) Start(ParseResult parse, string archName, string dataset, TrainTestSplit split)
        {
            var recipe = options.RecipeFor(parse, archName, dataset);
            var (model, state) = ClassifierSetup.Start(archName, split.Train, recipe, options.Choices(parse, split.Train));
            model.SetMetadata("dataset", split.Name);
            model.SetMetadata("train_images", split.Train.Count.ToString(CultureInfo.InvariantCulture));
            if (model.Architecture == "mlp")
                model.SetMetadata("layers", string.Join(",", model.Network.AllParameters().Where(p => p.Value.Rank == 2).Select(p => p.Value.Dim(0)).Prepend(split.Train.ImageLength)));
            return (new ClassifierCheckpoint(model, state), parse.GetValue(output) ?? archName.ToLowerInvariant() + ".ckpt");
        }
    }
}
