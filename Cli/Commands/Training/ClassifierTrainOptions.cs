using System.CommandLine;
using NeuralPipelines.Data.Augmentation;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Cli.Commands.Training;

/// <summary>The options of <c>np train</c> for classifiers. Every training value defaults to the architecture's recipe;
/// an option given replaces that one value.</summary>
internal sealed class ClassifierTrainOptions
{
    public readonly Option<string?> Recipe = new("--recipe") { Description = $"Start from a named recipe instead of the architecture's: {TrainingRecipes.Nielsen} (Nielsen ch. 1: [784,30,10] sigmoid, quadratic, N(0,1), η 3.0, batch 10, 30 epochs) or one listed above." };
    public readonly Option<string?> Layers = new("--layers") { Description = "MLP layer sizes, input first, classes last (recipe: 784,100,10)." };
    public readonly Option<string?> Activation = new("--activation") { Description = "MLP hidden activation: sigmoid, tanh, relu, leaky-relu (recipe: relu)." };
    public readonly Option<string?> Cost = new("--cost") { Description = $"{string.Join(", ", LossFunctions.Names)} (recipe: log-likelihood, softmax outputs)." };
    public readonly Option<string?> Init = new("--init") { Description = "MLP weight initialisation: scaled (N(0,1/n_in)), normal (N(0,1)), he, xavier (recipe: he)." };
    public readonly Option<string?> Optimizer = new("--optimizer") { Description = $"{string.Join(" or ", OptimizerSettings.Kinds)} (switching to adam without --lr takes η 0.001)." };
    public readonly Option<float?> LearningRate = new("--lr") { Description = "Base learning rate η." };
    public readonly Option<float?> Momentum = new("--momentum") { Description = "SGD momentum μ (0 = plain SGD)." };
    public readonly Option<int?> BatchSize = new("--batch-size") { Description = "Mini-batch size." };
    public readonly Option<int?> Epochs = new("--epochs") { Description = "Epochs to train. With --resume: the new total." };
    public readonly Option<string?> Schedule = new("--schedule") { Description = "Learning-rate schedule: constant, cosine, step or step:EVERY:FACTOR." };
    public readonly Option<float?> L2 = new("--l2") { Description = "L2 regularisation λ (weight decay λ/n, Nielsen ch. 3)." };
    public readonly Option<float?> L1 = new("--l1") { Description = "L1 regularisation λ." };
    public readonly Option<float?> Dropout = new("--dropout") { Description = "Dropout rate on hidden layers (0 = none)." };
    public readonly Option<string?> Augment = new("--augment")
    {
        Description = "Augment training images each epoch: 'standard' (±10° rotation, 1-pixel shifts, 20% blurred; the value when the flag is bare), e.g. rotate=15,shift=2,blur=0.5, or 'none' to turn the recipe's off.",
        Arity = ArgumentArity.ZeroOrOne,
    };
    public readonly Option<int?> Patience = new("--patience") { Description = "Early stopping: stop after this many epochs without a better test accuracy (0 = off); --out keeps the last epoch, NAME.best.ckpt the best." };
    public readonly Option<bool> Normalize = new("--normalize") { Description = "Standardise pixels by the training set's per-channel mean and deviation (saved in the checkpoint)." };
    public readonly Option<int> Seed = new("--seed") { Description = "Seed for initial weights, shuffling, dropout and augmentation.", DefaultValueFactory = _ => 1 };
    public readonly Option<bool> NoTrainEval = new("--no-train-eval") { Description = "Skip measuring the whole training set after each epoch (faster; train figures become running averages)." };

    public IEnumerable<Option> All =>
        [Recipe, Layers, Activation, Cost, Init, Optimizer, LearningRate, Momentum, BatchSize, Epochs, Schedule, L2, L1, Dropout, Augment,
         Patience, Normalize, Seed, NoTrainEval];

    /// <summary>The options a checkpoint fixes: a resumed run refuses them rather than silently ignoring them.</summary>
    public IEnumerable<Option> FixedByCheckpoint => All.Where(o => o != Epochs);

    /// <summary>The recipe named by --recipe, else the architecture's for the dataset.</summary>
    public TrainingRecipe RecipeFor(ParseResult parse, string architecture, string dataset) =>
        TrainingRecipes.For(architecture, dataset, parse.GetValue(Recipe));

    /// <summary>The values given on the command line, parsed from text into their types here and only here.</summary>
    public TrainingChoices Choices(ParseResult parse, LabelledImages train)
    {
        int[]? hidden = null;
        if (parse.GetValue(Layers) is { } text)
        {
            var sizes = Mlp.ParseSizes(text);
            if (sizes[0] != train.ImageLength)
                throw new ArgumentException($"--layers starts with {sizes[0]} inputs but {train.Source} images have {train.Channels}×{train.Height}×{train.Width} = {train.ImageLength} pixels.");
            if (sizes[^1] != train.Classes)
                throw new ArgumentException($"--layers ends with {sizes[^1]} outputs but the dataset has {train.Classes} classes.");
            hidden = sizes[1..^1];
        }
        bool augmentGiven = parse.GetResult(Augment) is not null;
        string augmentText = parse.GetValue(Augment) ?? "standard";
        return new TrainingChoices
        {
            Hidden = hidden,
            Activation = parse.GetValue(Activation),
            Init = parse.GetValue(Init) is { } init ? Initializers.Parse(init) : null,
            Cost = parse.GetValue(Cost) is { } cost ? LossFunctions.Parse(cost) : null,
            Dropout = parse.GetValue(Dropout),
            Optimizer = parse.GetValue(Optimizer) is { } kind ? OptimizerSettings.ParseKind(kind) : null,
            LearningRate = parse.GetValue(LearningRate),
            Momentum = parse.GetValue(Momentum),
            BatchSize = parse.GetValue(BatchSize),
            Epochs = parse.GetValue(Epochs),
            Schedule = parse.GetValue(Schedule) is { } schedule ? LearningRateSchedule.Parse(schedule) : null,
            L2 = parse.GetValue(L2),
            L1 = parse.GetValue(L1),
            Augmentation = !augmentGiven ? null
                : augmentText.Equals("none", StringComparison.OrdinalIgnoreCase) ? new AugmentationOptions(0f, 0, 0f)
                : AugmentationOptions.Parse(augmentText),
            Patience = parse.GetValue(Patience),
            EvaluateTrainingSet = parse.GetValue(NoTrainEval) ? false : null,
            Normalize = parse.GetValue(Normalize),
            Seed = parse.GetValue(Seed),
        };
    }
}
